# Windows: the one-folder bundle, its self-test, then the Inno Setup installer.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs: Python 3.10-3.12 from python.org (py launcher) and Inno Setup 6 (iscc on PATH, or
# "choco install innosetup").  Output: dist\AudioWorkbench-VERSION-setup.exe
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$python = if ($env:PYTHON) { $env:PYTHON } else { "py" }
& $python packaging\build_bundle.py @args
if ($LASTEXITCODE -ne 0) { throw "bundle build failed" }

# The self-test, offscreen, from the console twin of the windowed program
$env:QT_QPA_PLATFORM = "offscreen"
& dist\audio-workbench\audio-workbench-cli.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "the bundle's self-test failed" }
Remove-Item Env:\QT_QPA_PLATFORM

$version = (Select-String -Path workbench\__init__.py -Pattern '__version__ = "([^"]+)"').Matches[0].Groups[1].Value
Copy-Item dist\audio-workbench\_internal\resources\licenses\THIRD-PARTY-LICENSES.txt dist\audio-workbench\
$iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\audio-workbench.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "installer: dist\AudioWorkbench-$version-setup.exe"
