package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.transport.ws.internal.WsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * File transfer in a real browser (docs/protocol.md 6.5): headless Chromium loads the browser
 * client from the node's WebSocket listener, uploads a generated Blob of a few MiB and, from a
 * second page of the same user, lists and downloads it; and the demo page's file area goes from a
 * dropped file to a stored, listed and saved one. The node's storage is checked byte for byte
 * against the same generated content, and a tap on the pages' WebSockets checks what went over
 * the wire. Skipped without Chromium or Node.js, as {@link BrowserScript} says.
 */
class BrowserFilesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PASSWORD = "lovelace-1815";
    /** An odd size, so the last chunk is short. */
    private static final int SIZE = 3 * 1024 * 1024 + 12345;
    private static final int CHUNK_SIZE = 65536;
    private static final int WINDOW = 8;
    private static final long QUOTA = 4L * 1024 * 1024;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the first npm install may be slow; the transfers take seconds
    void aPageUploadsABlobThatTheNodeStoresByteForByteAndAnotherPageListsAndDownloadsIt() throws Exception {
        BrowserScript script = BrowserScript.prepare("browser-files", "files.mjs");
        try (NodeFixture node = NodeFixture.builder().userWithPassword("ada", PASSWORD, "user")
                .files(FilesSettings.defaults("").withWindow(WINDOW))
                .ws(WsSettings.plain("files-ws", 0).withDemo(true)).start(); script) {
            script.start(settings(node, "client", "ada", "blobs/generated.bin", SIZE));
            script.awaitSuccess(WAIT);
            JsonNode result = script.result();

            JsonNode sha256 = result.path("sha256");
            assertThat(sha256.path("checked").asInt()).as("sizes the page hashed").isGreaterThan(130);
            assertThat(sha256.path("mismatches")).as("the client's SHA-256 against WebCrypto's").isEmpty();

            String expectedHash = sha256Hex(generated(SIZE));
            Path stored = node.fileStore().root().resolve("ada").resolve("blobs/generated.bin");
            assertThat(stored).as("the file in ada's storage area").isRegularFile();
            assertThat(Files.mismatch(stored, writeGenerated(node.dir().resolve("expected.bin"), SIZE)))
                    .as("first differing byte of the stored file").isEqualTo(-1L);

            JsonNode upload = result.path("upload");
            assertThat(upload.path("webCrypto").asText()).as("WebCrypto's hash of the Blob").isEqualTo(expectedHash);
            assertThat(upload.path("result").path("sha256").asText()).as("the upload's hash").isEqualTo(expectedHash);
            assertThat(upload.path("result").path("name").asText()).isEqualTo("blobs/generated.bin");
            assertThat(upload.path("result").path("size").asLong()).isEqualTo(SIZE);
            assertThat(upload.path("idOnHandle").asText()).isEqualTo(upload.path("result").path("id").asText());
            assertThat(upload.path("monotonic").asBoolean()).as("progress never goes back").isTrue();
            assertThat(upload.path("progressReports").asInt()).as("progress reports").isGreaterThan(1);
            assertThat(upload.path("lastProgress").path("bytes").asLong()).isEqualTo(SIZE);
            assertThat(upload.path("lastProgress").path("total").asLong()).isEqualTo(SIZE);

            JsonNode up = result.path("uploaderTap");
            assertThat(up.path("capabilities").get(0).asLong() & Capability.LZ4.mask())
                    .as("LZ4 in the page's CONNECT").isZero();
            assertThat(up.path("capabilities").get(0).asLong() & Capability.FILE_TRANSFER.mask())
                    .as("FILE_TRANSFER in the page's CONNECT").isNotZero();
            assertThat(up.path("uploadWindow").asInt()).isEqualTo(WINDOW);
            assertThat(up.path("violations")).as("chunks beyond the window").isEmpty();
            assertThat(up.path("maxUnacked").asInt()).as("chunks in flight at most").isBetween(1, WINDOW);
            assertThat(up.path("chunksOut").asInt()).isEqualTo((SIZE + CHUNK_SIZE - 1) / CHUNK_SIZE);
            assertThat(up.path("compressedOut").asInt()).as("compressed chunks sent").isZero();

            JsonNode download = result.path("download");
            List<String> listed = new ArrayList<>();
            download.path("listed").forEach(e -> listed.add(e.path("name").asText() + " " + e.path("size").asLong()));
            assertThat(listed).as("what the second page listed").containsExactly("blobs/generated.bin " + SIZE);
            assertThat(download.path("webCrypto").asText()).as("WebCrypto's hash of the downloaded Blob")
                    .isEqualTo(expectedHash);
            assertThat(download.path("result").path("sha256").asText()).isEqualTo(expectedHash);
            assertThat(download.path("result").path("blobSize").asLong()).isEqualTo(SIZE);
            assertThat(download.path("lastProgress").asLong()).isEqualTo(SIZE);

            JsonNode down = result.path("downloaderTap");
            assertThat(ints(down.path("downloadAsked"))).as("compression the page asked for").containsExactly(0);
            assertThat(ints(down.path("downloadUsed"))).as("compression the node used").containsExactly(0);
            assertThat(down.path("compressedIn").asInt()).as("compressed chunks received").isZero();
            assertThat(down.path("acksOut").asInt()).isEqualTo(down.path("chunksIn").asInt());
            assertThat(down.path("nacksOut").asInt()).isZero();
            assertThat(down.path("verifies")).as("DOWNLOAD_VERIFY flags").hasSize(1);
            assertThat(down.path("verifies").get(0).asBoolean()).isTrue();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anUploadAndADownloadGoOnAfterTheConnectionIsCutUnderThePage() throws Exception {
        BrowserScript script = BrowserScript.prepare("browser-files", "files.mjs");
        int chunks = (SIZE + CHUNK_SIZE - 1) / CHUNK_SIZE;
        try (NodeFixture node = NodeFixture.builder().userWithPassword("ada", PASSWORD, "user")
                .files(FilesSettings.defaults("").withWindow(WINDOW))
                .ws(WsSettings.plain("files-resume-ws", 0).withDemo(true)).start();
                CuttingProxy proxy = new CuttingProxy(node.wsPort()); script) {
            String throughProxy = "127.0.0.1:" + proxy.port();
            Map<String, String> environment = new HashMap<>(settings(node, "resume", "ada", "cut/generated.bin", SIZE));
            environment.put("FILES_PAGE_URL", "http://" + throughProxy + "/");
            environment.put("FILES_WS_URL", "ws://" + throughProxy + node.wsUri().getPath());
            environment.put("FILES_CUT_AT", Integer.toString(SIZE / 3));
            script.start(environment);
            script.awaitLine("CUT upload ", WAIT);
            proxy.cut();
            script.awaitLine("CUT download ", WAIT);
            proxy.cut();
            script.awaitSuccess(WAIT);
            JsonNode result = script.result();

            String expectedHash = sha256Hex(generated(SIZE));
            Path stored = node.fileStore().root().resolve("ada").resolve("cut/generated.bin");
            assertThat(Files.mismatch(stored, writeGenerated(node.dir().resolve("expected.bin"), SIZE)))
                    .as("first differing byte of the stored file").isEqualTo(-1L);
            assertThat(result.path("disconnects").asInt()).as("connections cut under the page").isEqualTo(2);

            JsonNode upload = result.path("upload");
            assertThat(upload.path("result").path("resumed").asBoolean()).as("the upload resumed").isTrue();
            assertThat(upload.path("result").path("sha256").asText()).isEqualTo(expectedHash);
            assertThat(upload.path("webCrypto").asText()).isEqualTo(expectedHash);
            JsonNode uploadTap = result.path("uploadTap");
            assertThat(uploadTap.path("requests").asInt()).as("UPLOAD_REQUESTs: resumed, not started again").isEqualTo(1);
            assertThat(uploadTap.path("resumes")).as("RESUME_REQUESTs of the upload").hasSize(1);
            JsonNode uploadResume = uploadTap.path("resumes").get(0);
            assertThat(uploadResume.path("direction").asInt()).isEqualTo(1);
            assertThat(uploadResume.path("status").asInt()).as("RESUMABLE").isZero();
            assertThat(uploadResume.path("held").get(0).path("first").asInt()).as("chunks the page saw acknowledged")
                    .isZero();
            assertThat(uploadResume.path("held").get(0).path("last").asInt()).isGreaterThan(0);
            assertThat(uploadTap.path("violations")).as("chunks beyond the window").isEmpty();
            // What the cut lost is sent again, at most a window of it: the upload did not start over.
            assertThat(uploadTap.path("chunksOut").asInt()).as("chunks sent in all")
                    .isBetween(chunks, chunks + WINDOW);

            JsonNode download = result.path("download");
            assertThat(download.path("result").path("resumed").asBoolean()).as("the download resumed").isTrue();
            assertThat(download.path("result").path("sha256").asText()).isEqualTo(expectedHash);
            assertThat(download.path("webCrypto").asText()).isEqualTo(expectedHash);
            JsonNode tap = result.path("tap");
            assertThat(tap.path("requests").asInt()).as("UPLOAD_REQUEST and DOWNLOAD_REQUEST").isEqualTo(2);
            assertThat(tap.path("resumes")).as("RESUME_REQUESTs in all").hasSize(2);
            JsonNode downloadResume = tap.path("resumes").get(1);
            assertThat(downloadResume.path("direction").asInt()).isEqualTo(2);
            assertThat(downloadResume.path("status").asInt()).as("RESUMABLE").isZero();
            assertThat(downloadResume.path("held").get(0).path("first").asInt()).as("chunks the page holds").isZero();
            assertThat(tap.path("chunksIn").asInt()).as("chunks the page received in all, the held ones not counted")
                    .isBetween(chunks, chunks + WINDOW);
            assertThat(proxy.accepted()).as("connections through the proxy").isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theDemoPageStoresADroppedFileListsItSavesItAndSaysWhenTheQuotaIsFull() throws Exception {
        BrowserScript script = BrowserScript.prepare("browser-files", "files.mjs");
        int size = 700_001;
        try (NodeFixture node = NodeFixture.builder().userWithPassword("bob", PASSWORD, "user").pubsub()
                .files(FilesSettings.defaults("").withQuotas(QUOTA, 0))
                .ws(WsSettings.plain("files-demo-ws", 0).withDemo(true)).start(); script) {
            Map<String, String> environment = new HashMap<>(settings(node, "demo", "bob", "dropped.bin", size));
            environment.put("FILES_TOO_LARGE_SIZE", Long.toString(QUOTA + 1));
            script.start(environment);
            script.awaitSuccess(WAIT);
            JsonNode result = script.result();

            Path stored = node.fileStore().root().resolve("bob").resolve("dropped.bin");
            assertThat(Files.mismatch(stored, writeGenerated(node.dir().resolve("expected.bin"), size)))
                    .as("first differing byte of the stored file").isEqualTo(-1L);
            String expectedHash = sha256Hex(generated(size));

            JsonNode uploaded = result.path("uploaded");
            assertThat(uploaded.path("value").asDouble()).as("the progress bar at the end")
                    .isEqualTo(uploaded.path("max").asDouble()).isEqualTo(size);
            assertThat(uploaded.path("status").asText()).startsWith("stored as dropped.bin");
            assertThat(uploaded.path("sha256").asText()).isEqualTo(expectedHash);

            List<String> listed = new ArrayList<>();
            result.path("listed").forEach(e -> listed.add(e.path("name").asText() + " " + e.path("bytes").asLong()));
            assertThat(listed).as("the page's list").containsExactly("dropped.bin " + size);

            JsonNode saved = result.path("saved");
            assertThat(saved.path("name").asText()).isEqualTo("dropped.bin");
            assertThat(saved.path("size").asLong()).isEqualTo(size);
            assertThat(saved.path("sha256").asText()).as("the file the browser saved").isEqualTo(expectedHash);
            assertThat(result.path("downloadedSha").asText()).isEqualTo(expectedHash);

            JsonNode refused = result.path("refused");
            assertThat(refused.path("hidden").asBoolean()).isFalse();
            assertThat(refused.path("text").asText()).as("the page's words for QUOTA_EXCEEDED")
                    .startsWith("Not stored: your storage quota is full");
            assertThat(node.fileStore().root().resolve("bob").resolve("too-much.bin")).doesNotExist();
            assertThat(script.work().resolve("browser-files-demo.png")).isRegularFile();
        }
    }

    private static Map<String, String> settings(NodeFixture node, String part, String user, String name, int size) {
        return Map.of(
                "FILES_PART", part,
                "FILES_PAGE_URL", "http://127.0.0.1:" + node.wsPort() + "/",
                "FILES_WS_URL", node.wsUri().toString(),
                "FILES_USER", user,
                "FILES_PASSWORD", PASSWORD,
                "FILES_NAME", name,
                "FILES_SIZE", Integer.toString(size),
                "FILES_CHUNK_SIZE", Integer.toString(CHUNK_SIZE),
                "FILES_WAIT_MS", Long.toString(WAIT.toMillis()));
    }

    /** The content the script generates: byte i is the top byte of the low 32 bits of i × 0x9E3779B1. */
    private static byte[] generated(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ((i * 0x9E3779B1) >>> 24);
        }
        return bytes;
    }

    private static Path writeGenerated(Path file, int size) throws Exception {
        return Files.write(file, generated(size));
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
