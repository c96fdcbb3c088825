@echo off
rem One-click application package: consolidate, then copy and number the evidence into the package folder (see jieshui_run.bat).
call "%~dp0jieshui_run.bat" consolidate_round.py --package %*
exit /b %ERRORLEVEL%
