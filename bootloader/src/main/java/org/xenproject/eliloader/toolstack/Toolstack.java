package org.xenproject.eliloader.toolstack;

import java.util.List;

/**
 * The VM record behind one interface: the local JSON store or XenAPI. One instance serves one
 * run and is closed at its end (releasing the store lock or logging out).
 */
public interface Toolstack extends AutoCloseable {

    /** Reads the VM; an unknown uuid is an {@code INVALID_SOURCE}-class error naming it. */
    VmRecord readVm(String vmUuid);

    /** Applies the edits in order. */
    void apply(String vmUuid, List<RecordEdit> edits);

    /** The value of a secret the VM record refers to by uuid (repository credentials). */
    String secretValue(String secretUuid);

    /** What this backend is, for messages (never with credentials). */
    String describe();

    @Override
    void close();
}
