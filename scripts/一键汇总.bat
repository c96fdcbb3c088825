@echo off
rem One-click consolidation: double-click wrapper; finds Python and keeps the window open (see jieshui_run.bat).
call "%~dp0jieshui_run.bat" consolidate_round.py %*
exit /b %ERRORLEVEL%
