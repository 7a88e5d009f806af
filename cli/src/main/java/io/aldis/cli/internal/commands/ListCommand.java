package io.aldis.cli.internal.commands;

import io.aldis.cli.internal.connection.ConnectionOptions;
import io.aldis.cli.internal.connection.PasswordSource;
import io.aldis.cli.internal.exit.ExitCode;
import io.aldis.client.AldisClient;
import io.aldis.client.FilePage;
import io.aldis.client.RemoteFile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ls [pattern]}: lists the user's files on the node as a table, with how many match. */
@Command(name = "ls", description = "Lists the files of your storage area on the node that match PATTERN,"
        + " sorted by name: name, size in bytes, time of upload (UTC); then how many match in all.")
public final class ListCommand implements Callable<Integer> {
    /** The most entries the node returns for one LIST_REQUEST (docs/protocol.md 6.5). */
    static final int PAGE = 1000;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN", defaultValue = "",
            description = "A glob: * within a folder, ** across folders, ?, [abc] (default: every file).")
    String pattern;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
            description = "Skip the first N matching files (default: ${DEFAULT-VALUE}).")
    int offset;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Show at most N files (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (offset < 0) {
            throw new ParameterException(spec.commandLine(), "--offset cannot be negative: " + offset);
        }
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit cannot be negative: " + limit);
        }
        AldisClient client = connection.connect(PasswordSource.system());
        try {
            List<RemoteFile> files = new ArrayList<>();
            int total = fetch(client, files);
            print(spec.commandLine().getOut(), files, total);
            return ExitCode.OK.status();
        } finally {
            Connections.close(client);
        }
    }

    /** Reads page after page until {@code limit} files are there or none are left; returns the total count. */
    private int fetch(AldisClient client, List<RemoteFile> files) throws Exception {
        FilePage page = client.list(pattern, offset, Math.min(PAGE, limit)).get();
        files.addAll(page.entries());
        while (files.size() < limit && !page.entries().isEmpty() && offset + files.size() < page.totalCount()) {
            page = client.list(pattern, offset + files.size(), Math.min(PAGE, limit - files.size())).get();
            files.addAll(page.entries());
        }
        return page.totalCount();
    }

    private void print(PrintWriter out, List<RemoteFile> files, int total) {
        new FileTable(files).print(out);
        if (files.size() == total) {
            out.println(total + (total == 1 ? " file" : " files"));
        } else {
            out.println(files.size() + " of " + total + " files"
                    + (files.isEmpty() ? "" : " (" + (offset + 1) + " to " + (offset + files.size()) + ")"));
        }
        out.flush();
    }
}
