package org.xenproject.eliloader.toolstack;

/**
 * One change to the VM record. A round produces an ordered list of edits; each backend applies
 * them in that order (XenAPI one call at a time, the local store in one atomic write), so the
 * order is chosen to leave the VM bootable if it stops half-way.
 */
public sealed interface RecordEdit {

    /** The edit in words, for {@code probe} and logs (values are never secrets). */
    String describe();

    /** other-config[key] = value, replacing any current value (XenAPI: remove, then add). */
    record PutOtherConfig(String key, String value) implements RecordEdit {
        @Override
        public String describe() {
            return "other-config:" + key + "=" + value;
        }
    }

    /** Removes other-config[key]; absent keys are not an error. */
    record RemoveOtherConfig(String key) implements RecordEdit {
        @Override
        public String describe() {
            return "remove other-config:" + key;
        }
    }

    /** platform[key] = value, replacing any current value. */
    record PutPlatform(String key, String value) implements RecordEdit {
        @Override
        public String describe() {
            return "platform:" + key + "=" + value;
        }
    }

    /** Removes platform[key]; absent keys are not an error. */
    record RemovePlatform(String key) implements RecordEdit {
        @Override
        public String describe() {
            return "remove platform:" + key;
        }
    }

    record SetPvBootloader(String value) implements RecordEdit {
        @Override
        public String describe() {
            return "PV-bootloader=" + value;
        }
    }

    record SetPvBootloaderArgs(String value) implements RecordEdit {
        @Override
        public String describe() {
            return "PV-bootloader-args=\"" + value + "\"";
        }
    }

    record SetVbdBootable(String vbdUuid, boolean bootable) implements RecordEdit {
        @Override
        public String describe() {
            return "VBD " + vbdUuid + " bootable=" + bootable;
        }
    }

    /** Unplugs the VBD if it is attached, then destroys it. */
    record DestroyVbd(String vbdUuid) implements RecordEdit {
        @Override
        public String describe() {
            return "destroy VBD " + vbdUuid;
        }
    }
}
