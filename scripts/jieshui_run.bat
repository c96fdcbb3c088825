@echo off
rem Runs a script of this folder with a Python 3.10+ and keeps the window open on every exit path.
rem Used by the double-click wrappers: call "%~dp0jieshui_run.bat" SCRIPT.py [arguments]
rem Python is looked for with the py launcher, on PATH, and where the python.org installer puts it
rem without PATH (%LOCALAPPDATA%\Programs\Python\Python3*, %ProgramFiles%\Python3*). The first one
rem that is 3.10 or newer runs the script; there is no second attempt with another Python.
chcp 65001 >nul
setlocal EnableExtensions
rem pushd (not cd): it also works for a folder on a network share (\\server\share\...).
pushd "%~dp0" 2>nul || (echo 无法打开程序所在的文件夹“%~dp0”。& pause & exit /b 1)
set "PYTHONUTF8=1"
set "SCRIPT=%~1"
if "%SCRIPT%"=="" (
  echo 请双击“一键汇总.bat”或“新年度准备.bat”，不要直接运行本文件。
  goto done_error
)
set "PY="
set "OLD="
call :try py -3
if not defined PY call :try python
if not defined PY call :try python3
if not defined PY for /d %%D in ("%LOCALAPPDATA%\Programs\Python\Python3*" "%ProgramFiles%\Python3*") do (
  if not defined PY if exist "%%~fD\python.exe" call :try "%%~fD\python.exe"
)
if not defined PY goto nopython
%PY% "%~dp0%SCRIPT%" %2 %3 %4 %5 %6 %7 %8 %9
set "RC=%ERRORLEVEL%"
if not "%RC%"=="0" echo （程序结束，返回代码 %RC%。）
echo.
pause
popd
endlocal & exit /b %RC%

:try
rem Sets PY to the command given if it is a Python 3.10 or newer; remembers an older one in OLD.
%* -c "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)" >nul 2>&1
if errorlevel 1 (
  %* -c "import sys" >nul 2>&1 && if not defined OLD set "OLD=%*"
  exit /b 0
)
set "PY=%*"
exit /b 0

:nopython
rem One-line ifs: a path such as "C:\Program Files (x86)" would end a parenthesised block.
if defined OLD echo 找到的 Python 版本过低，本程序需要 Python 3.10 或更新版本：%OLD%
if not defined OLD echo 没有找到 Python。本程序需要 Python 3.10 或更新版本。
echo 请从 https://www.python.org 下载安装最新的 Python 3（安装时可勾选“Add python.exe to PATH”，不勾选也能找到），
echo 然后在本窗口显示的 Python 下安装本程序（见 README），再重新双击。
:done_error
echo.
pause
popd
endlocal & exit /b 9009
