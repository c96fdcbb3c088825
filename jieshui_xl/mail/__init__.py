"""E-mails to the reporting units: one message per unit with its collection workbook attached.

Messages are always written as ``.eml`` files (a coordinator can open one in Outlook / Foxmail and
press 发送; ``X-Unsent: 1`` makes Outlook open it as a draft).  With ``send=True`` they also go out
over SMTP.  With ``returned_dir`` only units that have not returned a usable workbook get a
reminder, and a rejected unit's reminder lists what is wrong.

Modules: ``compose`` (subject, body, attachment, .eml), ``smtp`` (TLS, sending, errors), ``run``
(the command: which workbooks, which units, what is printed; :class:`~.run.MailKind` says what differs
between rounds), ``progress`` (a progress round's kind: its forms, and 督办 messages listing the tasks
overdue or lagging).
"""

from .compose import Reminder, build_message, eml_filename, write_eml
from .run import MailResult, find_workbooks, reminders_for, run_mail
from .smtp import CAFILE_ENV, PASSWORD_ENV, send_messages, tls_context

__all__ = ["CAFILE_ENV", "PASSWORD_ENV", "MailResult", "Reminder", "build_message", "eml_filename", "find_workbooks",
           "reminders_for", "run_mail", "send_messages", "tls_context", "write_eml"]
