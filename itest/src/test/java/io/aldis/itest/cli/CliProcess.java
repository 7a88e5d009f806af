package io.aldis.itest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tool running as a process of its own, from its runnable jar, on the JVM that
 * runs the tests. Its output goes to files (a pipe nobody reads could fill up and stall it), read
 * once the process has ended.
 */
final class CliProcess {
    /** Where the build put the jar; set by the itest pom. */
    private static final String JAR_PROPERTY = "aldis.itest.cli.jar";
    private static final long EXIT_SECONDS = 120;

    private final Process process;
    private final Path out;
    private final Path err;

    private CliProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code aldis-cli args...} in {@code workDir}, with {@code workDir} as its home too (so
     * that nothing lands in the home of whoever runs the tests) and {@code environment} added to
     * the test JVM's.
     */
    static CliProcess start(Path workDir, Map<String, String> environment, String... args) throws IOException {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "../cli/target/aldis-cli.jar")).toAbsolutePath()
                .normalize();
        assertThat(jar).as("the command-line tool's jar; build the cli module first").isRegularFile();
        List<String> command = new ArrayList<>();
        // A JVM whose parent ignores SIGINT (a build started in the background does) ignores it too
        // and would never see the test's Ctrl-C; env puts the default action back first.
        command.addAll(List.of("env", "--default-signal=INT"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Duser.home=" + workDir, "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "cli-", ".out");
        Path err = Files.createTempFile(workDir, "cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        return new CliProcess(builder.start(), out, err);
    }

    /** Ctrl-C: SIGINT to the tool (the {@code env} in front of it has already made way for the JVM). */
    void interrupt() throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -INT").isZero();
    }

    /** {@code kill -9}: the tool gets no chance to do anything. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the tool to end and returns its exit status. */
    int exitCode() throws Exception {
        assertThat(process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)).as("the tool ended; stderr: %s", err()).isTrue();
        return process.exitValue();
    }

    /** What the tool printed on standard output, once it ended. */
    String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** What the tool printed on standard error, once it ended. */
    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }
}
