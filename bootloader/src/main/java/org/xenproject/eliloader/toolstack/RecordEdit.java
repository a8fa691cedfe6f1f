package org.xenproject.eliloader.toolstack;

/**
 * One change to the VM record. A round produces an ordered list of edits; each backend applies
 * them in that order (XenAPI one call at a time, the local store in one atomic write), so the
 * order is chosen to leave the VM bootable if it stops half-way.
 */
public sealed interface RecordEdit {

    /** other-config[key] = value, replacing any current value (XenAPI: remove, then add). */
    record PutOtherConfig(String key, String value) implements RecordEdit { }

    /** Removes other-config[key]; absent keys are not an error. */
    record RemoveOtherConfig(String key) implements RecordEdit { }

    /** platform[key] = value, replacing any current value. */
    record PutPlatform(String key, String value) implements RecordEdit { }

    /** Removes platform[key]; absent keys are not an error. */
    record RemovePlatform(String key) implements RecordEdit { }

    record SetPvBootloader(String value) implements RecordEdit { }

    record SetPvBootloaderArgs(String value) implements RecordEdit { }

    record SetVbdBootable(String vbdUuid, boolean bootable) implements RecordEdit { }

    /** Unplugs the VBD if it is attached, then destroys it. */
    record DestroyVbd(String vbdUuid) implements RecordEdit { }
}
