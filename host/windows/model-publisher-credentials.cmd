@echo off
rem model-publisher-credentials.cmd: Model Publisher's host helper for Windows, started by Docker Desktop for the UI.
rem `list` prints the registries this machine's Docker is signed in to (user names, never a secret); `get <host>` one sign-in.
rem Reads %DOCKER_CONFIG%\config.json (else %USERPROFILE%\.docker\config.json) and the docker-credential-* programs it names.
rem
rem Why a .cmd running PowerShell: Docker's guide "Invoke host binaries" (docs.docker.com/extensions/extensions-sdk/guides/
rem invoke-host-binaries/) ships a batch script for Windows, declared as "/windows/hello.cmd" in metadata.json host.binaries
rem and started with ddClient.extension.host.cli.exec("hello.cmd", args) when ddClient.host.platform is "win32"; its metadata
rem reference (architecture/metadata/) shows a .exe. A .ps1 cannot be started directly on Windows, and a .exe would be a
rem compiled dependency. So this batch file hands itself to Windows PowerShell 5.1, which every Windows that Docker Desktop
rem supports ships, and runs the script that follows the marker line below; arguments travel in variables, not a command line.
setlocal
set "MP_CREDENTIALS_SELF=%~f0"
set "MP_CREDENTIALS_ARG1=%~1"
set "MP_CREDENTIALS_ARG2=%~2"
set "MP_CREDENTIALS_ARG3=%~3"
"%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe" -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "$text = [IO.File]::ReadAllText($env:MP_CREDENTIALS_SELF); $start = $text.IndexOf([string][char]10 + [char]35 + '<powershell>'); & ([ScriptBlock]::Create($text.Substring($start)))"
exit /b %ERRORLEVEL%

#<powershell>
# The PowerShell half of model-publisher-credentials.cmd: the same contract and rules as host/unix/model-publisher-credentials.
$ErrorActionPreference = 'Stop'
$me = 'model-publisher-credentials'
# Docker Desktop's credential helpers live here; appended so that the user's own PATH still wins.
$env:PATH = "$env:PATH;$env:ProgramFiles\Docker\Docker\resources\bin"

function Stop-WithMessage([string]$message) {
  [Console]::Error.WriteLine("${me}: $message")
  exit 1
}

# UTF-8 without a byte order mark, whatever the console's code page.
function Write-Answer([string]$json) {
  $bytes = (New-Object Text.UTF8Encoding $false).GetBytes($json + "`n")
  $out = [Console]::OpenStandardOutput()
  $out.Write($bytes, 0, $bytes.Length)
  $out.Flush()
}

function ConvertTo-JsonText([string]$text) {
  $json = New-Object Text.StringBuilder
  [void]$json.Append('"')
  foreach ($c in $text.ToCharArray()) {
    $code = [int]$c
    if ($code -eq 34 -or $code -eq 92) { [void]$json.Append('\').Append($c) }
    elseif ($code -lt 32) { [void]$json.Append(('\u{0:x4}' -f $code)) }
    else { [void]$json.Append($c) }
  }
  [void]$json.Append('"')
  return $json.ToString()
}

# The registry a config key or host names: no scheme, path or case; Docker Hub by any of its names is docker.io.
function Get-RegistryId([string]$key) {
  $id = $key.ToLowerInvariant() -replace '^[a-z][a-z0-9+.-]*://', '' -replace '/.*$', ''
  if ($id -eq 'index.docker.io' -or $id -eq 'registry-1.docker.io') { $id = 'docker.io' }
  return $id
}

function Get-Members($object) {
  if ($object -is [Management.Automation.PSCustomObject]) { return @($object.PSObject.Properties) }
  return @()
}

# The config as parsed JSON, or $null when there is none (as for docker).
function Read-Config {
  if ($env:DOCKER_CONFIG) { $dir = $env:DOCKER_CONFIG }
  elseif ($env:USERPROFILE) { $dir = Join-Path $env:USERPROFILE '.docker' }
  else { Stop-WithMessage 'neither DOCKER_CONFIG nor USERPROFILE is set' }
  $path = Join-Path $dir 'config.json'
  if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return $null }
  try { $text = [IO.File]::ReadAllText($path) } catch { Stop-WithMessage "cannot read $path" }
  if ($text.Trim() -eq '') { return $null }
  try { return ConvertFrom-Json -InputObject $text } catch { Stop-WithMessage "$path is not valid JSON" }
}

# Runs docker-credential-<name> <action> with $stdin as its input; $null when there is no such program.
function Invoke-Helper([string]$name, [string]$action, [string]$stdin) {
  if ($name -cnotmatch '^[A-Za-z0-9][A-Za-z0-9._-]*$') { return $null }
  $program = Get-Command "docker-credential-$name" -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
  if (-not $program) { return $null }
  $info = New-Object Diagnostics.ProcessStartInfo
  $info.FileName = $program.Path
  $info.Arguments = $action
  $info.UseShellExecute = $false
  $info.CreateNoWindow = $true
  $info.RedirectStandardInput = $true
  $info.RedirectStandardOutput = $true
  $info.RedirectStandardError = $true
  $info.StandardOutputEncoding = New-Object Text.UTF8Encoding $false
  $process = [Diagnostics.Process]::Start($info)
  $errors = $process.StandardError.ReadToEndAsync()
  # A helper may exit without reading its input (list does).
  try { $process.StandardInput.Write($stdin); $process.StandardInput.Close() } catch [IO.IOException] { }
  $output = $process.StandardOutput.ReadToEnd()
  $process.WaitForExit()
  [void]$errors.Result
  return @{ code = $process.ExitCode; output = $output }
}

# `docker-credential-<name> list` as @{server; user}; nothing when the helper fails.
function Get-HelperServers([string]$name, [bool]$quiet) {
  $run = Invoke-Helper $name 'list' ''
  if ($null -eq $run) {
    if (-not $quiet) { [Console]::Error.WriteLine("${me}: docker-credential-$name is not installed; its sign-ins are left out") }
    return @()
  }
  if ($run.code -ne 0) { return @() }
  try { $servers = ConvertFrom-Json -InputObject $run.output } catch { return @() }
  foreach ($member in (Get-Members $servers)) {
    if ($member.Name -ne '' -and $member.Value -is [string]) { @{ server = $member.Name; user = $member.Value } }
  }
}

# `docker-credential-<name> get` with the server URL on stdin, as docker sends it. status: 0 found (user, secret),
# 3 the helper holds nothing for the server, 4 it is not installed, 5 it failed otherwise.
function Get-HelperLogin([string]$name, [string]$server) {
  $run = Invoke-Helper $name 'get' $server
  if ($null -eq $run) { return @{ status = 4 } }
  if ($run.code -ne 0) {
    if ($run.output -match 'credentials not found') { return @{ status = 3 } }
    return @{ status = 5 }
  }
  try { $answer = ConvertFrom-Json -InputObject $run.output } catch { return @{ status = 3 } }
  if (-not ($answer.Secret -is [string]) -or $answer.Secret -eq '') { return @{ status = 3 } }
  $user = ''
  if ($answer.Username -is [string]) { $user = $answer.Username }
  return @{ status = 0; user = $user; secret = $answer.Secret }
}

function Stop-OnHelperFailure([string]$name, [int]$status, [string]$registryHost) {
  if ($status -eq 4) { Stop-WithMessage "cannot read the sign-in for ${registryHost}: docker-credential-$name is not installed" }
  Stop-WithMessage "cannot read the sign-in for ${registryHost}: docker-credential-$name failed"
}

# base64 `auth` to @{user; secret}, or $null when it holds no user name.
function Split-Auth([string]$auth) {
  try { $text = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($auth)) } catch { return $null }
  $colon = $text.IndexOf(':')
  if ($colon -lt 1) { return $null }
  return @{ user = $text.Substring(0, $colon); secret = $text.Substring($colon + 1) }
}

function Get-Text($entry, [string]$field) {
  $value = $entry.$field
  if ($value -is [string]) { return $value }
  return ''
}

# The user name of an `auths` entry, or '' when it holds no sign-in.
function Get-EntryUser($entry) {
  $auth = Get-Text $entry 'auth'
  if ($auth -ne '') {
    $parts = Split-Auth $auth
    if ($parts) { return $parts.user }
  }
  $user = Get-Text $entry 'username'
  if ($user -ne '') { return $user }
  if ((Get-Text $entry 'identitytoken') -ne '') { return '<token>' }
  return ''
}

# The sign-in of an `auths` entry as docker reads it: an identity token wins (user "<token>", as credential helpers
# store one), then base64 `auth`, then `username` and `password`; $null when it holds none.
function Get-EntryLogin($entry) {
  $token = Get-Text $entry 'identitytoken'
  if ($token -ne '') { return @{ user = '<token>'; secret = $token } }
  $auth = Get-Text $entry 'auth'
  if ($auth -ne '') {
    $parts = Split-Auth $auth
    if ($parts) { return $parts }
  }
  $user = Get-Text $entry 'username'
  $password = Get-Text $entry 'password'
  if ($user -ne '' -and $password -ne '') { return @{ user = $user; secret = $password } }
  return $null
}

function Write-Login([string]$registryHost, $login) {
  Write-Answer ('{"host":' + (ConvertTo-JsonText $registryHost) + ',"username":' + (ConvertTo-JsonText $login.user) + ',"secret":' + (ConvertTo-JsonText $login.secret) + '}')
}

function Invoke-List {
  $config = Read-Config
  $taken = @{}
  $registries = New-Object Collections.Generic.List[string]
  # Best first: a host's own helper (credHelpers; when it holds nothing, nothing else counts for that host), the
  # credsStore, an inline `auths` entry.
  $candidates = New-Object Collections.Generic.List[object]
  foreach ($member in (Get-Members $config.credHelpers)) {
    $login = @{ status = 4 }
    if ($member.Value -is [string]) { $login = Get-HelperLogin $member.Value $member.Name }
    $user = $null
    if ($login.status -eq 0) { $user = $login.user }
    $candidates.Add(@{ key = $member.Name; user = $user })
  }
  if ($config.credsStore -is [string] -and $config.credsStore -ne '') {
    foreach ($server in (Get-HelperServers $config.credsStore $false)) { $candidates.Add(@{ key = $server.server; user = $server.user }) }
  }
  foreach ($member in (Get-Members $config.auths)) {
    $user = Get-EntryUser $member.Value
    if ($user -ne '') { $candidates.Add(@{ key = $member.Name; user = $user }) }
  }
  foreach ($candidate in $candidates) {
    $id = Get-RegistryId $candidate.key
    if ($taken.ContainsKey($id)) { continue }
    $taken[$id] = $true
    if ($null -eq $candidate.user) { continue }
    $registries.Add('{"host":' + (ConvertTo-JsonText $candidate.key) + ',"username":' + (ConvertTo-JsonText $candidate.user) + '}')
  }
  Write-Answer ('{"registries":[' + ($registries -join ',') + ']}')
}

function Invoke-Get([string]$registryHost) {
  $config = Read-Config
  $wanted = Get-RegistryId $registryHost

  # A host's own helper (credHelpers) alone answers for it, as docker does.
  foreach ($member in (Get-Members $config.credHelpers)) {
    if ((Get-RegistryId $member.Name) -ne $wanted) { continue }
    $login = @{ status = 4 }
    if ($member.Value -is [string]) { $login = Get-HelperLogin $member.Value $member.Name }
    if ($login.status -eq 0) { Write-Login $registryHost $login; exit 0 }
    if ($login.status -eq 3) { Stop-WithMessage "not signed in to $registryHost" }
    Stop-OnHelperFailure ([string]$member.Value) $login.status $registryHost
  }

  # The credsStore, asked under the server URL it lists for that registry (Docker Hub's is https://index.docker.io/v1/).
  $storeStatus = 3
  $store = ''
  if ($config.credsStore -is [string]) { $store = $config.credsStore }
  if ($store -ne '') {
    $server = $null
    foreach ($listed in (Get-HelperServers $store $true)) {
      if ((Get-RegistryId $listed.server) -eq $wanted) { $server = $listed.server; break }
    }
    if ($null -eq $server) {
      $server = $registryHost
      if ($wanted -eq 'docker.io') { $server = 'https://index.docker.io/v1/' }
    }
    $login = Get-HelperLogin $store $server
    if ($login.status -eq 0) { Write-Login $registryHost $login; exit 0 }
    $storeStatus = $login.status
  }

  # An inline `auths` entry: the first one for that registry that holds anything.
  foreach ($member in (Get-Members $config.auths)) {
    if ((Get-RegistryId $member.Name) -ne $wanted -or (Get-Members $member.Value).Count -eq 0) { continue }
    $login = Get-EntryLogin $member.Value
    if ($login) { Write-Login $registryHost $login; exit 0 }
    break
  }
  if ($storeStatus -ne 3) { Stop-OnHelperFailure $store $storeStatus $registryHost }
  Stop-WithMessage "not signed in to $registryHost"
}

$usage = "usage: $me list | $me get <registry host>"
try {
  if ($env:MP_CREDENTIALS_ARG1 -ceq 'list' -and -not $env:MP_CREDENTIALS_ARG2) { Invoke-List; exit 0 }
  if ($env:MP_CREDENTIALS_ARG1 -ceq 'get' -and $env:MP_CREDENTIALS_ARG2 -and -not $env:MP_CREDENTIALS_ARG3) {
    Invoke-Get $env:MP_CREDENTIALS_ARG2
    exit 0
  }
} catch {
  Stop-WithMessage ($_.Exception.Message -replace '\s+', ' ')
}
Stop-WithMessage $usage
