package io.aldis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.cli.internal.exit.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as picocli reads it: commands, options, usage errors and their exit code. */
class AldisCliTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = AldisCli.commandLine();
        line.setErr(new PrintWriter(err, true));
        line.setOut(new PrintWriter(new StringWriter(), true));
        return line.execute(args);
    }

    @Test
    void everyCommandIsThere() {
        assertThat(AldisCli.commandLine().getSubcommands()).containsKeys("upload", "download", "ls", "rm");
    }

    @Test
    void theSharedOptionsParseOnEveryCommand() {
        CommandLine.ParseResult parsed = AldisCli.commandLine().parseArgs("upload", "--node", "h:1", "--user", "bob",
                "--quiet", "--checkpoints", "/tmp/cp", "big.iso", "iso/");
        CommandLine.ParseResult upload = parsed.subcommand();
        assertThat(upload.matchedOptionValue("--node", "")).isEqualTo("h:1");
        assertThat(upload.matchedOptionValue("--user", "")).isEqualTo("bob");
        assertThat(upload.hasMatchedOption("--quiet")).isTrue();
        assertThat(upload.matchedPositionals()).hasSize(2);

        CommandLine.ParseResult ls = AldisCli.commandLine().parseArgs("ls", "*.log", "--offset", "5", "--limit", "2")
                .subcommand();
        assertThat(ls.matchedOptionValue("--offset", 0)).isEqualTo(5);
        assertThat(ls.matchedOptionValue("--limit", 0)).isEqualTo(2);
    }

    @Test
    void verboseBringsTheClientsLogBackAlsoInAClusterOfShortOptions() {
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        try {
            root.setLevel(Level.INFO);
            AldisCli.quietLogging();
            AldisCli.commandLine().parseArgs("ls", "-q", "*.log");
            assertThat(root.getLevel()).isEqualTo(Level.OFF);
            AldisCli.commandLine().parseArgs("ls", "-qv", "*.log");
            assertThat(root.getLevel()).isEqualTo(Level.INFO);
        } finally {
            root.setLevel(before);
        }
    }

    @Test
    void thereIsNoPasswordOption() {
        assertThat(run("rm", "--password", "secret", "a.txt")).isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).contains("Unknown option");
    }

    @Test
    void aMissingArgumentIsAUsageError() {
        assertThat(run("download")).isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).contains("REMOTE");
    }

    @Test
    void noCommandPrintsTheUsageAndIsAUsageError() {
        assertThat(run()).isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).contains("upload", "download", "ls", "rm", "Exit codes");
    }

    @Test
    void aWebSocketUrlForTheNodeIsAUsageErrorBeforeAnyConnection() {
        assertThat(run("ls", "--node", "ws://localhost:7441/aldis", "--user", "bob")).isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).contains("host:port");
    }

    @Test
    void aFailureIsOneLineWithoutAStackTraceUnlessVerbose() {
        assertThat(run("rm", "--node", "ws://localhost:7441/aldis", "--user", "bob", "a.txt"))
                .isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).startsWith("aldis-cli: --node takes host:port").doesNotContain("\tat ");

        err.getBuffer().setLength(0);
        assertThat(run("rm", "--verbose", "--node", "ws://localhost:7441/aldis", "--user", "bob", "a.txt"))
                .isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).startsWith("aldis-cli: --node takes host:port").contains("\tat io.aldis.cli.");
    }

    @Test
    void aRemoteFolderToDownloadIsAUsageErrorBeforeAnyConnection() {
        assertThat(run("download", "--user", "bob", "reports/")).isEqualTo(ExitCode.USAGE.status());
        assertThat(err.toString()).contains("REMOTE names a file, not a folder: reports/");
    }

    @Test
    void aMissingLocalFileIsNotFoundBeforeAnyConnection() {
        assertThat(run("upload", "--user", "bob", "/no/such/file.bin")).isEqualTo(ExitCode.NOT_FOUND.status());
        assertThat(err.toString()).contains("no such file: /no/such/file.bin").doesNotContain("Exception");
    }
}
