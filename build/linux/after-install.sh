#!/bin/bash
# The deb's after-install script (electron-builder fills in ${executable} and ${sanitizedProductName}). It differs from
# electron-builder's default in one way: /usr/bin/${executable} is the CLI launcher (resources/bin/stackmeter, which runs
# the app binary with --cli), not the desktop app, so that `stackmeter sync …` works from any shell. The desktop entry
# starts the app binary directly.

if [ -L '/usr/bin/${executable}' ] || [ ! -e '/usr/bin/${executable}' ]; then
    ln -sf '/opt/${sanitizedProductName}/resources/bin/stackmeter' '/usr/bin/${executable}'
else
    echo "Not replacing /usr/bin/${executable}, which is not a link; run /opt/${sanitizedProductName}/resources/bin/stackmeter" >&2
fi

# Chromium's sandbox: user namespaces where the kernel allows them, else the SUID helper (as electron-builder does).
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# Ubuntu 24.04 and later restrict unprivileged user namespaces through AppArmor: install electron-builder's profile for
# the app when this AppArmor understands it (a dry run first), as the default script does.
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  fi
fi
