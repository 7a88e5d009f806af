package io.aldis.cli.internal.exit;

/**
 * The exit statuses of the tool, one per kind of outcome a script may want to branch on. The
 * numbers are part of the tool's documented interface (docs/files.md), so they never change.
 */
public enum ExitCode {
    /** The command did what it was asked. */
    OK(0),
    /** Anything that fits none of the kinds below. */
    OTHER(1),
    /** The command line was wrong: an unknown option, a missing argument, no password to be had. */
    USAGE(2),
    /** The node did not accept the user and password. */
    AUTHENTICATION(3),
    /** The node could not be reached, or the connection was lost and did not come back. */
    UNREACHABLE(4),
    /** The file is not there: on the node for download and rm, on this machine for upload. */
    NOT_FOUND(5),
    /** The node refused the request: permission, policy, quota, space, size or name. */
    REFUSED(6),
    /** The transferred file did not match its SHA-256, or its chunks kept failing their checks. */
    VERIFICATION(7),
    /** Stopped by Ctrl-C (SIGINT) at a checkpoint; the same command again resumes. 128 + 2, as shells report it. */
    INTERRUPTED(130);

    private final int status;

    ExitCode(int status) {
        this.status = status;
    }

    /** The process exit status. */
    public int status() {
        return status;
    }
}
