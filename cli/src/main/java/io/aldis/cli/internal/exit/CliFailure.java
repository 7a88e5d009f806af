package io.aldis.cli.internal.exit;

/**
 * A failure the tool found itself (a local file missing, no password to be had), already in the
 * user's words and with the exit code it ends the process with.
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    public CliFailure(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
