package io.aldis.cli.internal.commands;

import io.aldis.cli.internal.connection.ConnectionOptions;
import io.aldis.cli.internal.exit.CliFailure;
import io.aldis.cli.internal.exit.ExitCode;
import io.aldis.cli.internal.transfer.Direction;
import io.aldis.client.TransferOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upload <local> [remote]}: sends a file to the user's storage area on the node. */
@Command(name = "upload", description = {
    "Uploads a local file to your storage area on the node, verified by SHA-256.",
    "Interrupted (Ctrl-C, a lost connection), the same command again goes on where it stopped,"
            + " as long as the file is unchanged."})
public final class UploadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOCAL", description = "The file to upload.")
    Path local;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REMOTE",
            description = "Its name on the node, with / between folders (default: the local file's name;"
                    + " a name ending in / puts the file into that folder).")
    String remote;

    @Option(names = "--checkpoints", paramLabel = "DIR",
            description = "Where uploads note how far they got, to go on after an interruption"
                    + " (default: .aldis/transfers in your home directory).")
    Path checkpoints;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(local)) {
            throw new CliFailure(ExitCode.NOT_FOUND, Files.isDirectory(local)
                    ? local + " is a folder; upload takes one file" : "no such file: " + local);
        }
        String name = remoteName();
        TransferOptions options = TransferOptions.defaults();
        if (checkpoints != null) {
            options = options.withCheckpointDirectory(checkpoints);
        }
        return ForegroundTransfer.run(spec, connection, output, Direction.UPLOAD, "upload of " + local, name, options,
                (client, o) -> client.upload(local, name, o));
    }

    private String remoteName() {
        String fileName = local.toAbsolutePath().normalize().getFileName().toString();
        if (remote == null || remote.isEmpty()) {
            return fileName;
        }
        return remote.endsWith("/") ? remote + fileName : remote;
    }
}
