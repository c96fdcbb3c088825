@echo off
rem New-year preparation: double-click wrapper; finds Python and keeps the window open (see jieshui_run.bat).
call "%~dp0jieshui_run.bat" new_year.py %*
exit /b %ERRORLEVEL%
