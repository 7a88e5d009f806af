package io.aldis.cli.internal.commands;

import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Option;

/**
 * How much the tool prints: {@code --quiet} drops the progress bar, {@code --verbose} adds stack
 * traces, {@code --help} prints the command's usage instead of running it.
 */
public final class OutputOptions {
    /** The long name of the verbose option, which the failure handler looks for. */
    public static final String VERBOSE = "--verbose";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    /** The log's level before {@link #silenceLog()}, which --verbose brings back. */
    private static Level logLevel = Level.INFO;

    /** Silences the client's log (java.util.logging's root logger) until --verbose is read. */
    public static synchronized void silenceLog() {
        Logger root = Logger.getLogger("");
        if (root.getLevel() != Level.OFF) {
            logLevel = root.getLevel();
        }
        root.setLevel(Level.OFF);
    }

    /**
     * Set as picocli reads the option, however it is written ({@code -v}, {@code --verbose}, or in
     * a cluster such as {@code -qv}): the client's log, silenced by {@code AldisCli.run}, comes back at its level.
     */
    @Option(names = {"-v", VERBOSE}, description = "On failure, print the stack trace too; log the client's warnings.")
    void verbose(boolean on) {
        if (on) {
            synchronized (OutputOptions.class) {
                Logger.getLogger("").setLevel(logLevel);
            }
        }
    }

    /** Whether to draw a progress bar: not with --quiet, and only on a terminal. */
    boolean showProgress() {
        return !quiet && System.console() != null;
    }
}
