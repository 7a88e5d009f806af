package io.aldis.cli.internal.commands;

import io.aldis.cli.internal.connection.ConnectionOptions;
import io.aldis.cli.internal.transfer.Direction;
import io.aldis.client.TransferOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code download <remote> [local]}: fetches a file from the user's storage area on the node. */
@Command(name = "download", description = {
    "Downloads a file from your storage area on the node, verified by SHA-256.",
    "It arrives in LOCAL.aldis-part and takes LOCAL's name only once verified; LOCAL.aldis-checkpoint"
            + " and LOCAL.aldis-written beside it let the same command go on after an interruption,"
            + " even a killed process."})
public final class DownloadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REMOTE", description = "The file's name on the node.")
    String remote;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL",
            description = "Where to put it (default: the remote name's last part, in the current folder;"
                    + " an existing folder: into it). An existing file is replaced.")
    Path local;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path target = target();
        return ForegroundTransfer.run(spec, connection, output, Direction.DOWNLOAD, "download of " + remote, remote,
                TransferOptions.defaults(), (client, o) -> client.download(remote, target, o));
    }

    private Path target() {
        String lastPart = remote.substring(remote.lastIndexOf('/') + 1);
        if (lastPart.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "REMOTE names a file, not a folder: " + remote);
        }
        if (local == null) {
            return Path.of(lastPart);
        }
        return Files.isDirectory(local) ? local.resolve(lastPart) : local;
    }
}
