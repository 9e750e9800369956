#!/bin/bash
# The deb's after-remove script: takes away the CLI link the after-install script made (only if it is still ours) and
# the AppArmor profile.

if [ "$(readlink '/usr/bin/${executable}')" = '/opt/${sanitizedProductName}/resources/bin/stackmeter' ]; then
    rm -f '/usr/bin/${executable}'
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
