package org.xenproject.eliloader.toolstack;

import java.util.Map;

/**
 * A virtual block device of the VM, as far as the install rounds care.
 *
 * @param uuid the VBD's uuid
 * @param userdevice the slot the guest sees ("0" is the first disk)
 * @param bootable whether the toolstack boots from it
 * @param type {@code Disk} or {@code CD}
 * @param mode {@code RW} or {@code RO}
 * @param image the file or device behind it, when known
 * @param currentlyAttached whether the VBD is plugged right now
 * @param otherConfig the VBD's other-config map
 * @param vdi the uuid of the VDI behind it; empty for an empty CD drive or when unknown
 */
public record Vbd(String uuid, String userdevice, boolean bootable, String type, String mode,
        String image, boolean currentlyAttached, Map<String, String> otherConfig, String vdi) {

    public Vbd {
        otherConfig = Map.copyOf(otherConfig);
        vdi = vdi == null ? "" : vdi;
    }

    /** A VBD whose VDI is not known. */
    public Vbd(String uuid, String userdevice, boolean bootable, String type, String mode,
            String image, boolean currentlyAttached, Map<String, String> otherConfig) {
        this(uuid, userdevice, bootable, type, mode, image, currentlyAttached, otherConfig, "");
    }

    public boolean isCd() {
        return "CD".equalsIgnoreCase(type);
    }
}
