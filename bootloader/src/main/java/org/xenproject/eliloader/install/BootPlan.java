package org.xenproject.eliloader.install;

import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.round.FetchedFile;
import org.xenproject.eliloader.round.HandoverFiles;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * What an install start comes to: the answer to hand over, the record edits in their safe order,
 * and the files made for the caller. The entry point writes the answer, then applies the edits,
 * then calls {@link #handOver()}; closing the plan removes every file not handed over, so a
 * failure at any point leaves nothing behind and the record as it was.
 */
public final class BootPlan implements AutoCloseable {

    /**
     * What the run found, for {@code probe} and the log.
     *
     * @param chosen how the profile was chosen (e.g. {@code detected from .treeinfo …})
     * @param layout how the boot files were found in the tree; null when no layout was chosen
     * @param kernelArgs the kernel arguments of our answer; null when there is none
     * @param skipped actions not run because no boot disk was named
     * @param metadataUnreadable always empty: a metadata file that cannot be read ends the run with
     *        its own error (only "not found" is absence); kept so probe's output keeps its shape
     */
    public record Report(Profile profile, String chosen, int round, String layout, FetchedFile kernel,
            FetchedFile ramdisk, String kernelArgs, List<String> skipped, List<String> metadataFound,
            List<String> metadataRequested, Map<String, String> metadataUnreadable, String connection) {
        public Report {
            skipped = List.copyOf(skipped);
            metadataFound = List.copyOf(metadataFound);
            metadataRequested = List.copyOf(metadataRequested);
            metadataUnreadable = Map.copyOf(metadataUnreadable);
        }
    }

    private final byte[] answer;
    private final byte[] diagnostics;
    private final List<RecordEdit> edits;
    private final List<RecordEdit> cleanup;
    private final HandoverFiles files;
    private final Report report;

    BootPlan(byte[] answer, byte[] diagnostics, List<RecordEdit> edits, List<RecordEdit> cleanup, HandoverFiles files,
            Report report) {
        this.answer = answer;
        this.diagnostics = diagnostics;
        this.edits = List.copyOf(edits);
        this.cleanup = List.copyOf(cleanup);
        this.files = files;
        this.report = report;
    }

    /** Whether there is an answer (a VM start always has one; a probe that skipped pygrub does not). */
    public boolean hasAnswer() {
        return answer != null;
    }

    /** The answer in the caller's format, to be written as it is. */
    public byte[] answer() {
        if (answer == null) {
            throw new IllegalStateException("this plan has no answer");
        }
        return answer.clone();
    }

    /** What pygrub printed on stderr when it answered (e.g. the config file it parsed); empty otherwise. */
    public byte[] diagnostics() {
        return diagnostics.clone();
    }

    /**
     * The record edits to apply once the answer is out, in order; the last of them changes what
     * the next start does, so a failure or a kill before it boots the same round again.
     */
    public List<RecordEdit> edits() {
        return edits;
    }

    /** Edits after the switch to pygrub that may fail without failing the round (logged). */
    public List<RecordEdit> cleanup() {
        return cleanup;
    }

    public Report report() {
        return report;
    }

    /** The files in the answer now belong to the caller, which deletes them once the domain is built. */
    public void handOver() {
        files.handOver();
    }

    /** Removes every file made for the caller unless they were handed over. */
    @Override
    public void close() {
        files.discardAll();
    }
}
