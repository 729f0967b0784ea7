; Inno Setup script for Audio Workbench (Windows 10/11, x64).  packaging/windows/build.ps1 builds
; the one-folder bundle first and then compiles this:
;   iscc /DAppVersion=0.1.0 packaging\windows\audio-workbench.iss
; Output: dist\AudioWorkbench-VERSION-setup.exe.  Per-user install by default (no admin prompt);
; the user may choose all users.  Signing: see the README ("Signing the installers").
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define Root "..\.."
#define Bundle Root + "\dist\audio-workbench"

[Setup]
AppId={{6C1D5E2A-8F4B-4C0E-9A51-3E7B2D9C4A10}
AppName=Audio Workbench
AppVersion={#AppVersion}
AppPublisher=The Audio Workbench authors
DefaultDirName={autopf}\Audio Workbench
DefaultGroupName=Audio Workbench
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=AudioWorkbench-{#AppVersion}-setup
SetupIconFile={#Root}\resources\icons\audio-workbench.ico
UninstallDisplayIcon={app}\audio-workbench.exe
LicenseFile={#Root}\resources\licenses\audio-workbench-MIT.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open WAV and FLAC files with Audio Workbench"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Audio Workbench"; Filename: "{app}\audio-workbench.exe"
Name: "{group}\Audio Workbench self-test"; Filename: "{app}\audio-workbench-cli.exe"; Parameters: "--self-test"
Name: "{group}\Uninstall Audio Workbench"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Audio Workbench"; Filename: "{app}\audio-workbench.exe"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\AudioWorkbench.Audio"; ValueType: string; ValueData: "Audio file"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\AudioWorkbench.Audio\DefaultIcon"; ValueType: string; ValueData: "{app}\audio-workbench.exe,0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\AudioWorkbench.Audio\shell\open\command"; ValueType: string; ValueData: """{app}\audio-workbench.exe"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.wav\OpenWithProgids"; ValueType: string; ValueName: "AudioWorkbench.Audio"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.flac\OpenWithProgids"; ValueType: string; ValueName: "AudioWorkbench.Audio"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate

[Run]
Filename: "{app}\audio-workbench.exe"; Description: "{cm:LaunchProgram,Audio Workbench}"; Flags: nowait postinstall skipifsilent
