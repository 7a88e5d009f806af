package io.aldis.itest.karaf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One console command piped to a distribution's {@code bin/client}, as the README shows scripts
 * doing it: what it printed and its exit status.
 *
 * @param exitStatus the exit status of {@code bin/client}; not 0 when the command failed
 * @param output     what it printed, standard error included
 */
record ConsoleClient(int exitStatus, String output) {

    /**
     * Runs {@code command} through {@code bin/client} of the installation at {@code home}, logged
     * in on the console's SSH port as {@code user}.
     *
     * @throws AssertionError when {@code bin/client} has not finished within {@code wait}
     */
    static ConsoleClient run(Path home, int sshPort, String user, String password, String command, Duration wait)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("client").toString(),
                "-a", Integer.toString(sshPort), "-u", user, "-p", password, "-b")
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(wait.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/client did not finish: " + command + "\n" + output);
        }
        return new ConsoleClient(process.exitValue(), output);
    }
}
