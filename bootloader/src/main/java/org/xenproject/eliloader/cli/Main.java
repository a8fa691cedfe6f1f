package org.xenproject.eliloader.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.HostileInput;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.error.Secrets;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.round.HandoverFiles;

/**
 * Entry point. Every failure leaves as {@code RuntimeError: CODE} and one sentence on stderr,
 * the last lines written there, because xenopsd keeps what follows the first
 * {@code RuntimeError: } and xapi shows it to the user.
 */
public final class Main {
    /** The longest error sentence: outside text quoted in it is bounded, this bounds the rest. */
    static final int MAX_SENTENCE = 1500;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(Arrays.asList(args), System.getenv(), System.out, System.err);
        System.out.flush();
        System.err.flush();
        // at once: the files handed over became the caller's in run(), so the time in which a kill
        // leaves them behind for nobody is the JVM's teardown; halt skips the shutdown sequence
        // (nothing of ours is left for it: the only hook is HandoverFiles', for kills)
        if (HandoverFiles.stopping()) {
            // a SIGTERM's shutdown is removing the files: let it finish and end the process (143)
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // wait for the shutdown
                }
            }
        }
        Runtime.getRuntime().halt(status);
    }

    /** Runs one command and returns its exit status; never throws. */
    public static int run(List<String> args, java.util.Map<String, String> environment, PrintStream out,
            PrintStream err) {
        boolean debug = args.contains("--debug");
        Log.echoToStderr(debug);
        try {
            Subcommand command = subcommand(args);
            if (command != null) {
                List<String> rest = args.subList(1, args.size());
                if (command != Subcommand.HELP && (rest.contains("--help") || rest.contains("-h"))) {
                    out.print(Manual.help(command));
                    out.flush();
                    return 0;
                }
                return command.run(rest, environment, out);
            }
            CommandLine commandLine = CommandLine.parse(args);
            if (commandLine.help) {
                out.print(Manual.help());
                return 0;
            }
            if (commandLine.version) {
                out.print(Manual.NAME + " " + Manual.version() + "\n");
                return 0;
            }
            new BootCommand(commandLine, environment, out, err).run();
            return 0;
        } catch (BootloaderException e) {
            out.flush();
            Log.info("failed: " + e.code() + ": " + e.getMessage());
            if (debug) {
                printTrace(err, e);
            }
            if (e.code() == ErrorCode.USAGE) {
                err.print(usageFor(args));
            }
            report(err, e.code(), e.getMessage());
            return e.exitStatus();
        } catch (RuntimeException | Error e) {
            BootloaderException named = HostileInput.classify(e);
            if (named != null) {
                Log.info("failed: " + named.code() + ": " + named.getMessage());
                if (debug) {
                    printTrace(err, e);
                }
                report(err, named.code(), named.getMessage());
                return named.exitStatus();
            }
            Log.info("internal error: " + e);
            if (debug) {
                printTrace(err, e);
            }
            report(err, ErrorCode.INTERNAL_ERROR, "Unexpected failure (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); run with --debug for details.");
            return ErrorCode.INTERNAL_ERROR.exitStatus();
        } finally {
            Log.flush(environment);
            // last: until now a kill is a failed start, and the files handed over are still removed
            HandoverFiles.finishRun();
        }
    }

    private static String usageFor(List<String> args) {
        Subcommand command = subcommand(args);
        return command != null ? Manual.usage(command) : Manual.bootSynopsis();
    }

    /**
     * The subcommand the first argument names, or null for a VM start. The toolstacks' first
     * argument is an option (or empty), so a VM start never loads the registry.
     */
    private static Subcommand subcommand(List<String> args) {
        if (args.isEmpty() || args.get(0).isEmpty() || !Character.isLetter(args.get(0).charAt(0))) {
            return null;
        }
        return Subcommand.forName(args.get(0));
    }

    /** --debug: the stack trace, its messages masked like every other line. */
    private static void printTrace(PrintStream err, Throwable e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        err.print(Secrets.mask(trace.toString()));
    }

    /** The contract's two lines; the sentence masked and bounded, whatever code made it. */
    private static void report(PrintStream err, ErrorCode code, String sentence) {
        String oneLine = sentence == null ? code.name()
                : MessageText.printable(Secrets.mask(sentence.replace('\r', ' ').replace('\n', ' ')), MAX_SENTENCE);
        err.print("RuntimeError: " + code.name() + "\n" + oneLine + "\n");
        err.flush();
    }
}
