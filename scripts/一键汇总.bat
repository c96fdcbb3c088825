@echo off
rem One-click consolidation: double-click wrapper; runs the Python script and keeps the window open.
chcp 65001 >nul
setlocal
cd /d "%~dp0"
set "JIESHUI_PAUSE=1"
set "PYTHONUTF8=1"
set "PY="
py -3 -c "import sys" >nul 2>&1 && set "PY=py -3"
if not defined PY ( python -c "import sys" >nul 2>&1 && set "PY=python" )
if not defined PY ( python3 -c "import sys" >nul 2>&1 && set "PY=python3" )
if not defined PY goto nopython
%PY% "%~dp0consolidate_round.py" %*
set "RC=%ERRORLEVEL%"
endlocal & exit /b %RC%

:nopython
echo 没有找到 Python。请从 https://www.python.org 下载安装 Python 3.10 或更新版本，
echo 安装时勾选“Add python.exe to PATH”，然后在程序文件夹中运行一次：python -m pip install -e .
echo 再重新双击本文件。
pause
endlocal & exit /b 9009
