package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An application that moves one file with the Java client and its defaults, run in a JVM of its
 * own ({@link ChildJvm}) so that the benchmark can kill it mid-transfer, as a crash or a power cut
 * would end it: nothing is closed, and only what its checkpoints already hold survives. Prints
 * {@code UP} once its session is up and {@code DONE <sha256>} when the transfer completed.
 *
 * <p>Arguments: node host port, user, password, {@code upload} or {@code download}, local file,
 * remote name, checkpoint directory.
 */
final class TransferProcess {
    private TransferProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AldisClient client = AldisClient.builder().address("127.0.0.1", Integer.parseInt(args[0]))
                .credentials(args[1], args[2].toCharArray()).clientName("aldis-resume-bench").build();
        client.connect().join();
        out.println("UP " + client.session().sessionId());
        boolean upload = args[3].equals("upload");
        Path local = Path.of(args[4]);
        TransferOptions options = TransferOptions.defaults().withCheckpointDirectory(Path.of(args[6]));
        Transfer transfer = upload ? client.upload(local, args[5], options) : client.download(args[5], local, options);
        out.println("DONE " + transfer.result().join().sha256Hex());
        client.close().join();
        System.exit(0);
    }
}
