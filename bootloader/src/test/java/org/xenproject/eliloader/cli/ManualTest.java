package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.cli.Manual.Option;
import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Help, {@code --version} and the man page come from {@link Manual} and {@link Subcommand}; these
 * tests fail when they drift from the parsers ({@link CommandLine}, {@link SubcommandOptions} with
 * each command's option sets) or leave out a host setting, an install key or an error code.
 */
class ManualTest {
    record Run(int status, String out, String err) { }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(List.of(args), Map.of("ELILOADER_SYSLOG", "0", "ELILOADER_CONFIG", "/nonexistent.conf"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String bare(String name) {
        return name.replaceFirst("^--?", "");
    }

    @Test
    void everyDocumentedBootOptionParsesAndTheParsersSetsAreDocumented() {
        Set<String> documentedValues = new HashSet<>();
        Set<String> documentedFlags = new HashSet<>();
        for (Option o : Manual.BOOT_OPTIONS) {
            for (String name : o.names()) {
                List<String> argv = o.value() == null ? List.of(name, "/dev/null")
                        : List.of(name + "=" + (name.equals("--output-format") ? "simple"
                                : name.equals("--runas") ? "1000" : "v"), "/dev/null");
                CommandLine.parse(argv); // a usage error fails the test
                (o.value() == null ? documentedFlags : documentedValues).add(name);
            }
        }
        for (Setting s : Setting.values()) {
            Option o = Manual.settingOption(s);
            CommandLine.parse(List.of(o.value() == null ? o.names().get(0) : o.names().get(0) + "=1", "/dev/null"));
        }
        Set<String> parserValues = new TreeSet<>(CommandLine.VALUE_OPTIONS);
        parserValues.addAll(CommandLine.PYGRUB_VALUE_OPTIONS);
        parserValues.removeIf(name -> Setting.forKey(name) != null); // documented as host settings
        assertThat(new TreeSet<>(documentedValues.stream().map(ManualTest::bare).toList())).isEqualTo(parserValues);
        assertThat(documentedFlags).containsAll(CommandLine.PYGRUB_FLAGS);
    }

    /** Any option spelled in the parsers' sources ("-q", "--version", …) must be in the help. */
    @Test
    void everyOptionLiteralOfTheParsersIsDocumented() throws Exception {
        Set<String> documented = new HashSet<>();
        Manual.BOOT_OPTIONS.forEach(o -> documented.addAll(o.names()));
        Subcommand.COMMON.forEach(o -> documented.addAll(o.names()));
        for (Setting s : Setting.values()) {
            documented.addAll(Manual.settingOption(s).names());
        }
        for (Subcommand c : Subcommand.values()) {
            c.options().forEach(o -> documented.addAll(o.names()));
        }
        Path cli = ProjectPaths.root().resolve("bootloader/src/main/java/org/xenproject/eliloader/cli");
        Pattern literal = Pattern.compile("\"(--?[A-Za-z][A-Za-z0-9_-]*)\"");
        List<String> missing = new ArrayList<>();
        for (String file : List.of("CommandLine.java", "SubcommandOptions.java", "Main.java")) {
            Matcher m = literal.matcher(Files.readString(cli.resolve(file)));
            while (m.find()) {
                if (!documented.contains(m.group(1))) {
                    missing.add(file + ": " + m.group(1));
                }
            }
        }
        assertThat(missing).as("options the parser knows but Manual/Subcommand do not document").isEmpty();
    }

    @Test
    void eachSubcommandDocumentsExactlyWhatItsParserAccepts() {
        for (Subcommand c : Subcommand.values()) {
            assertThat(c.names(true)).as(c.commandName() + " flags").isEqualTo(c.parserFlags());
            assertThat(c.names(false)).as(c.commandName() + " options with a value").isEqualTo(c.parserValues());
            String synopsis = String.join(" ", c.synopsis()) + " ";
            for (Option o : c.options()) {
                assertThat(synopsis).as(c.commandName() + " synopsis")
                        .contains(o.names().get(o.names().size() - 1) + (o.value() == null ? "" : " "));
            }
        }
    }

    @Test
    void everySettingInstallKeyAndErrorCodeIsDescribedInHelpAndManPage() {
        String help = run("--help").out();
        String man = Manual.man();
        for (Setting s : Setting.values()) {
            assertThat(Manual.setting(s).documented()).as(s + " needs a line in Manual.SETTINGS").isTrue();
            assertThat(help).contains("--" + s.key(), s.environmentVariable());
            assertThat(man).contains(Manual.roff("--" + s.key()), Manual.roff(s.environmentVariable()));
            if (s.defaultValue() != null) {
                assertThat(man).contains(Manual.roff(s.defaultValue()));
            }
        }
        for (InstallKey k : InstallKey.values()) {
            assertThat(Manual.installKey(k)).as(k + " needs a line in Manual.INSTALL_KEYS").isNotBlank();
            assertThat(help).contains(k.key());
            assertThat(man).contains(".B " + Manual.roff(k.key()) + "\n");
        }
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(Manual.error(c)).as(c + " needs a line in Manual.ERRORS").isNotBlank();
            assertThat(help).contains(c.name());
            assertThat(man).contains(".B " + Manual.roff(c.name()) + "\n");
        }
        for (Option o : Manual.BOOT_OPTIONS) {
            o.names().forEach(n -> assertThat(help).contains(n));
            o.names().forEach(n -> assertThat(man).contains("\\fB" + Manual.roff(n) + "\\fR"));
        }
        for (Subcommand c : Subcommand.shown()) {
            assertThat(help).contains("  " + c.commandName() + " ");
            assertThat(man).contains(".SS " + c.commandName() + "\n");
        }
        // the internal child of the deprivileged guest readers is nobody's to call
        assertThat(Subcommand.GUEST_READ.hidden()).isTrue();
        assertThat(help).doesNotContain("  " + Subcommand.GUEST_READ.commandName() + " ")
                .doesNotContain(Subcommand.GUEST_READ.commandName() + ",");
        assertThat(man).doesNotContain(".SS " + Subcommand.GUEST_READ.commandName());
    }

    @Test
    void helpForEveryCommandExitsZeroOnStdout() {
        Run top = run("--help");
        assertThat(top.status()).isZero();
        assertThat(top.err()).isEmpty();
        assertThat(top.out()).startsWith("usage: eliloader ").doesNotContain("README");
        assertThat(run("-h").out()).isEqualTo(top.out());
        assertThat(run("help").out()).isEqualTo(top.out());
        for (Subcommand c : Subcommand.values()) {
            Run viaHelp = run("help", c.commandName());
            Run viaFlag = run(c.commandName(), "--help");
            assertThat(viaHelp.status()).isZero();
            assertThat(viaHelp.err()).isEmpty();
            assertThat(viaHelp.out()).startsWith("usage: eliloader " + c.commandName());
            assertThat(viaFlag).isEqualTo(viaHelp);
        }
        assertThat(run("profiles", "list", "--help").out()).isEqualTo(run("help", "profiles").out());
        for (Subcommand c : Subcommand.values()) {
            // every command takes the common options
            assertThat(run("help", c.commandName(), "--debug").status()).isZero();
        }
        Run unknown = run("help", "frobnicate");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).endsWith("RuntimeError: USAGE\nNo command \"frobnicate\" (commands: "
                + String.join(", ", Manual.commandNames()) + ").\n");
    }

    @Test
    void helpTextFitsATerminal() {
        List<String> texts = new ArrayList<>(List.of(Manual.help()));
        for (Subcommand c : Subcommand.values()) {
            texts.add(Manual.help(c));
        }
        for (String text : texts) {
            for (String line : text.split("\n")) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(90);
            }
        }
    }

    /** The package's commented eliloader.conf names every key and, uncommented, is a valid file of defaults. */
    @Test
    void defaultConfigFileHasEveryKeyAtItsDefault(@TempDir Path dir) throws Exception {
        String text = run("help", "--config-file").out();
        Path file = dir.resolve("eliloader.conf");
        Files.writeString(file, text);
        org.xenproject.eliloader.config.Settings.resolve(Map.of(), Map.of(), file); // all commented: accepted
        StringBuilder uncommented = new StringBuilder();
        for (Setting s : Setting.values()) {
            assertThat(text).contains("\n#" + s.key() + " =");
            if (s.defaultValue() != null) {
                uncommented.append(s.key()).append(" = ").append(s.defaultValue()).append('\n');
            }
        }
        Files.writeString(file, uncommented.toString());
        org.xenproject.eliloader.config.Settings settings = org.xenproject.eliloader.config.Settings.resolve(Map.of(),
                Map.of(), file);
        for (Setting s : Setting.values()) {
            if (s.defaultValue() != null) {
                assertThat(settings.get(s)).contains(s.defaultValue());
            }
        }
    }

    @Test
    void versionComesFromTheBuild() throws Exception {
        Run v = run("--version");
        assertThat(v.status()).isZero();
        String pom = Files.readString(ProjectPaths.root().resolve("bootloader/pom.xml"));
        Matcher parentVersion = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        assertThat(parentVersion.find()).isTrue();
        assertThat(v.out()).isEqualTo("eliloader " + parentVersion.group(1) + "\n");
    }

    /** A VM start must not pay for help: Manual and the Subcommand registry stay unloaded. */
    @Test
    void aVmStartLoadsNoHelpClasses(@TempDir Path dir) throws Exception {
        Path store = VmStoreFixture.vm().other("install-repository", ProjectPaths.trees().resolve("rhel5").toUri().toString())
                .writeTo(dir.resolve("vms.json"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("classes.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp", classPath, "org.xenproject.eliloader.cli.Main",
                "-q", "--vm", VmStoreFixture.VM, "--vm-store=" + store, "--output-directory=" + dir.resolve("out"),
                dir.resolve("disk.img").toString());
        builder.environment().put("ELILOADER_CONFIG", "/nonexistent/eliloader.conf");
        builder.environment().put("ELILOADER_SYSLOG", "0");
        builder.environment().put("ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString());
        builder.environment().put("ELILOADER_CACHE_DIR", dir.resolve("cache").toString());
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("run.out").toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("run.out"))).isZero();
        List<String> classes = Files.readAllLines(log);
        assertThat(classes).anyMatch(line -> line.contains("org.xenproject.eliloader.cli.CommandLine "));
        assertThat(classes).noneMatch(line -> line.contains("org.xenproject.eliloader.cli.Manual"))
                .noneMatch(line -> line.contains("org.xenproject.eliloader.cli.Subcommand"));
    }

    @Test
    void manPageIsRoffWithOnlyTheMacrosItMeans() {
        Run man = run("help", "--man");
        assertThat(man.status()).isZero();
        assertThat(man.out()).startsWith(".\\\"").contains("\n.TH ELILOADER 8 ", "\n.SH NAME\neliloader \\- ");
        Set<String> macros = Set.of(".TH", ".SH", ".SS", ".TP", ".PP", ".br", ".B", ".BR", ".I", ".\\\"");
        for (String line : man.out().split("\n")) {
            if (line.startsWith(".") || line.startsWith("'")) {
                assertThat(macros).as(line).contains(line.split(" ", 2)[0]);
            }
            if (line.startsWith(".\\\"")) {
                continue; // a comment
            }
            // a plain dash in text would be a hyphen (and break copy-paste of options)
            assertThat(line.replace("\\-", "").replace("\\(", "")).as(line).doesNotContain("-");
        }
    }
}
