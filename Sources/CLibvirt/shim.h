#ifndef KILN_CLIBVIRT_SHIM_H
#define KILN_CLIBVIRT_SHIM_H
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#endif
