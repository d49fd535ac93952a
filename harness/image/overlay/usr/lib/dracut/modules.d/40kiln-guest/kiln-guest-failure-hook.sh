#!/bin/sh
# Sourced by dracut-emergency: must not exit. Prints Ignition's errors to the console.
/usr/bin/kiln-guest-report-failure || :
