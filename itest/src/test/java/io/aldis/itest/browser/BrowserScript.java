package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Node.js script from {@code src/test/browser/} that drives Debian's Chromium headless through
 * Playwright ({@code playwright-core} only, no browser download, installed with npm under
 * {@code target/<work>/}), run for one browser test.
 *
 * <p>{@link #prepare} skips the test when Chromium, Node.js or npm is missing, or npm cannot install
 * Playwright. The script's settings go in its environment; it reports on standard output, one line
 * per event, and its last word is one line {@code RESULT <json>}. A test waits for lines,
 * for events of its own while the script runs, or for the script's end; each wait fails with the
 * script's whole output when the script ends first or the time runs out.
 */
final class BrowserScript implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String PLAYWRIGHT = "playwright-core@1.65.1";
    private static final String RESULT = "RESULT ";
    /** The most of one line of the script's output copied to the test's own; a RESULT may be long. */
    private static final int ECHOED = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path node;
    private final Path work;
    private final Path script;
    private final String name;
    private final List<String> output = new ArrayList<>();
    /** Completed once both output streams of the script reached their end, which follows its exit. */
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    private int openStreams;
    private Process process;
    private Writer input;

    private BrowserScript(Path node, Path work, Path script, String name) {
        this.node = node;
        this.work = work;
        this.script = script;
        this.name = name;
    }

    /** What every browser script imports: src/test/browser/harness.mjs. */
    private static final String HARNESS = "harness.mjs";

    /**
     * Checks that the browser tests can run here (skipping the test otherwise), installs Playwright
     * under {@code target/<workName>/} unless it is there, and copies {@code src/test/browser/<scriptName>}
     * and the harness every script imports next to it, where Node.js finds the package.
     */
    static BrowserScript prepare(String workName, String scriptName) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (Debian: apt-get install -y chromium); skipping the browser test");
        Path node = onPath("node");
        Path npm = onPath("npm");
        assumeTrue(node != null && npm != null, "Node.js and npm are not on the PATH; skipping the browser test");
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path work = base.resolve("target").resolve(workName);
        installPlaywright(npm, work, workName);
        Path script = work.resolve(scriptName);
        Path scripts = base.resolve("src/test/browser");
        Files.copy(scripts.resolve(scriptName), script, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(scripts.resolve(HARNESS), work.resolve(HARNESS), StandardCopyOption.REPLACE_EXISTING);
        return new BrowserScript(node, work, script, workName);
    }

    /** Where Playwright, the script and anything the script writes (screenshots) live. */
    Path work() {
        return work;
    }

    /** Starts the script with these settings in its environment, and {@code CHROMIUM} set to Chromium's path. */
    void start(Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(node.toString(), script.toString()).directory(work.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("CHROMIUM", CHROMIUM.toString());
        process = builder.start();
        input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        openStreams = 2;
        drain(process.getInputStream(), "");
        drain(process.getErrorStream(), "stderr: ");
    }

    /** Sends one line to the script's standard input. */
    void tell(String line) throws IOException {
        input.write(line + "\n");
        input.flush();
    }

    /** Waits for the first line that starts with {@code prefix} and returns the rest of it. */
    String awaitLine(String prefix, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (output) {
            int seen = 0;
            while (true) {
                for (; seen < output.size(); seen++) {
                    if (output.get(seen).startsWith(prefix)) {
                        return output.get(seen).substring(prefix.length());
                    }
                }
                if (openStreams == 0) {
                    fail("the browser script ended (" + exit() + ") before it printed '" + prefix
                            + "'; output:\n" + outputText());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("timed out waiting for the browser script to print '" + prefix + "'; output:\n"
                            + outputText());
                }
                TimeUnit.NANOSECONDS.timedWait(output, left);
            }
        }
    }

    /** Waits for an event of the test's own while the script runs; {@code what} names it in a failure. */
    void await(CompletableFuture<?> event, String what, Duration wait) throws InterruptedException {
        try {
            CompletableFuture.anyOf(event, outputEnded).get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            fail("timed out waiting for " + what + "; output:\n" + outputText());
        } catch (ExecutionException e) {
            fail("waiting for " + what + " failed; output:\n" + outputText(), e.getCause());
        }
        if (!event.isDone()) {
            fail("the browser script ended (" + exit() + ") before " + what + "; output:\n"
                    + outputText());
        }
    }

    /** Waits for the script to end and fails unless it ended with exit code 0. */
    void awaitSuccess(Duration wait) throws InterruptedException {
        await(outputEnded, "the end of the browser script", wait);
        if (!process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS) || process.exitValue() != 0) {
            fail("the browser script failed (" + exit() + "); output:\n" + outputText());
        }
    }

    /** What the script printed on its {@code RESULT} line. */
    JsonNode result() throws IOException {
        String line;
        synchronized (output) {
            line = output.stream().filter(l -> l.startsWith(RESULT)).findFirst().orElse(null);
        }
        if (line == null) {
            fail("no RESULT line in:\n" + outputText());
        }
        return JSON.readTree(line.substring(RESULT.length()));
    }

    /** Everything the script printed so far, standard error lines marked. */
    String outputText() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    private String exit() {
        return process.isAlive() ? "still running" : "exit " + process.exitValue();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private void drain(InputStream stream, String prefix) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println(name + " " + prefix + (line.length() > ECHOED ? line.substring(0, ECHOED)
                            + " ... (" + line.length() + " characters)" : line));
                    synchronized (output) {
                        output.add(prefix + line);
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (output) {
                    output.add("(output unreadable: " + e + ")");
                }
            } finally {
                boolean last;
                synchronized (output) {
                    last = --openStreams == 0;
                    output.notifyAll();
                }
                if (last) {
                    outputEnded.complete(null);
                }
            }
        }, name + "-output");
        thread.setDaemon(true);
        thread.start();
    }

    /** Installs playwright-core into {@code work} unless it is there; skips the test when npm cannot. */
    private static void installPlaywright(Path npm, Path work, String workName)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        if (Files.isRegularFile(work.resolve("node_modules/playwright-core/package.json"))) {
            return;
        }
        Path manifest = work.resolve("package.json");
        if (!Files.exists(manifest)) {
            Files.writeString(manifest,
                    "{\"name\": \"aldis-" + workName + "\", \"private\": true, \"type\": \"module\"}\n");
        }
        Process install = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund",
                "--no-package-lock", PLAYWRIGHT)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("npm-install.log").toFile())
                .start();
        boolean ended = install.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            install.destroyForcibly();
        }
        assumeTrue(ended && install.exitValue() == 0, "npm could not install " + PLAYWRIGHT + " (see "
                + work.resolve("npm-install.log") + "); skipping the browser test");
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
