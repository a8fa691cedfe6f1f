package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.testsupport.RealPeers;

class PygrubMessagesTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tracebackGivesItsLastLineWithoutTheExceptionName() {
        String traceback = "Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/menu.lst\n"
                + "Traceback (most recent call last):\n  File \"/usr/lib/xen-4.17/bin/pygrub\", line 1032, in <module>\n"
                + "    raise RuntimeError(\"Unable to find partition containing kernel\")\n"
                + "RuntimeError: Unable to find partition containing kernel\n";
        assertThat(PygrubMessages.failure(new byte[0], b(traceback), 1)).isEqualTo("Unable to find partition containing kernel");
    }

    @Test
    void otherExceptionsKeepTheirName() {
        String traceback = "Traceback (most recent call last):\n  File \"x\", line 187\n"
                + "FileNotFoundError: [Errno 2] No such file or directory: 'nonexist.img'\n";
        assertThat(PygrubMessages.failure(new byte[0], b(traceback), 1))
                .isEqualTo("FileNotFoundError: [Errno 2] No such file or directory: 'nonexist.img'");
    }

    @Test
    void sysExitLineAndStdoutMessages() {
        assertThat(PygrubMessages.failure(new byte[0], b("The requested kernel file does not exist\n"), 1))
                .isEqualTo("The requested kernel file does not exist");
        assertThat(PygrubMessages.failure(b("No kernel image selected!\n"),
                b("Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/menu.lst\n"), 1))
                .isEqualTo("No kernel image selected!");
        assertThat(PygrubMessages.failure(new byte[0], new byte[0], 137))
                .isEqualTo("pygrub exited with status 137 and printed no reason");
    }

    @Test
    void messagesAreOneLineAndClipped() {
        String message = PygrubMessages.failure(new byte[0], b("x\u0007y" + "z".repeat(1000)), 1);
        assertThat(message).hasSize(PygrubMessages.MAX_MESSAGE).doesNotContain("\u0007").endsWith("...");
    }

    @RealPeers
    @Test
    void pythonReprMatchesPython() throws Exception {
        List<String> samples = List.of("/var/run/xend/boot/boot_kernel.ab_c12", "ro root=/dev/xvda1 \"quoted\"",
                "it's", "both ' and \"", "back\\slash", "tab\tnew\nline\rcr\u0001");
        StringBuilder script = new StringBuilder("import sys\nfor s in sys.argv[1:]:\n    print(repr(s))\n");
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", script.toString()));
        command.addAll(samples);
        Process python = new ProcessBuilder(command).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String[] expected = out.split("\n");
        assertThat(expected).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            assertThat(PygrubMessages.pythonRepr(samples.get(i))).as(samples.get(i)).isEqualTo(expected[i]);
        }
    }

    @Test
    void oneLineJoinsForTheLog() throws IOException {
        assertThat(PygrubMessages.oneLine(b("a\n\nb\n"))).isEqualTo("a | b");
    }
}
