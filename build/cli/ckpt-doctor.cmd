@echo off
rem ckpt-doctor from an installed Checkpoint Doctor. Add this folder to PATH to use it anywhere.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Checkpoint Doctor.exe" "%~dp0..\app.asar\out\cli\cli.js" %*
