; Inno Setup script for the openIMIS Companion on Windows (Inno Setup 6).
;
;   python packaging\desktop\build.py windows        (builds the folder, then runs ISCC with this script)
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=build\desktop\dist\openIMIS-Companion packaging\desktop\windows\companion.iss
;
; Installs for the current user by default (no administrator needed on a ministry laptop), or for
; everyone when run as administrator. A Start-menu entry, an optional desktop shortcut, .cbundle
; files open with the Companion. The uninstaller removes the program folder only: the user's data
; (%APPDATA%\openIMIS\openIMIS Companion: database, backups, logs, attachments) is never deleted,
; so uninstalling and reinstalling, or installing a newer version over an older one, keeps it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\..\build\desktop\dist\openIMIS-Companion"
#endif
#define AppName "openIMIS Companion"
#define AppExe "openIMIS-Companion.exe"

[Setup]
; Never change AppId: it is how a newer installer finds the older installation to upgrade.
AppId={{6D1C2A7E-4B8F-4E2A-9C61-0F3B7A5D2E41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=openIMIS Implementer Companion contributors
AppPublisherURL=https://openimis.org/
DefaultDirName={autopf}\openIMIS Companion
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputBaseFilename=openIMIS-Companion-{#AppVersion}-setup
SetupIconFile=..\icons\openimis-companion.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Close a running Companion before replacing its files, and start it again afterwards.
CloseApplications=yes
RestartApplications=yes
ChangesAssociations=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[CustomMessages]
en.DataKept=Your guides, projects and training records stay in %APPDATA%\openIMIS\openIMIS Companion.
fr.DataKept=Vos guides, projets et formations restent dans %APPDATA%\openIMIS\openIMIS Companion.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program folder's bundled files wholesale (no stale modules from an older version).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .cbundle files (bundles shared by a team) open with the Companion; a running one receives them.
Root: HKA; Subkey: "Software\Classes\.cbundle"; ValueType: string; ValueName: ""; ValueData: "openIMIS.Companion.Bundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\openIMIS.Companion.Bundle"; ValueType: string; ValueName: ""; ValueData: "openIMIS Companion bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\openIMIS.Companion.Bundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\openIMIS.Companion.Bundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section on purpose: the uninstaller removes only what this installer put in
; {app}. The data folder lives elsewhere (%APPDATA%) and is never listed here.
[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(CustomMessage('DataKept'), mbInformation, MB_OK);
end;
