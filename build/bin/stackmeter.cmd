@echo off
rem The installed CLI on Windows: resources\bin\stackmeter.cmd beside Stackmeter.exe. The packaged app has Electron's
rem RunAsNode fuse off, so the app binary runs the CLI itself when its first argument is --cli, with no window. Add
rem this folder to PATH to type "stackmeter" anywhere. A batch file waits for the program, so the exit code is kept.
"%~dp0..\..\Stackmeter.exe" --cli %*
exit /b %ERRORLEVEL%
