package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.transport.ws.internal.WsServer;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a WebSocket listener answers to plain HTTP when its demo option is on: the page and the
 * client modules at fixed paths with their content types, 404 for everything else, and nothing
 * at all when the option is off.
 */
class DemoPageHttpTest {

    record Answer(int status, Map<String, String> headers, String body) {
    }

    @Test
    void servesThePageAndTheClientModulesWithTheirTypes() throws Exception {
        try (Node node = new Node(NodeSettings.defaults())) {
            WsServer ws = new WsServer(WsSettings.plain("demo-http", 0).withDemo(true), node);
            ws.start();
            try {
                Answer page = get(ws.port(), "GET / HTTP/1.1");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.headers()).containsEntry("content-type", "text/html; charset=utf-8");
                assertThat(page.body()).contains("<meta name=\"aldis-ws-path\" content=\"/aldis\">")
                        .contains("src=\"demo.js\"");
                assertThat(get(ws.port(), "GET /index.html?room=1 HTTP/1.1").body()).isEqualTo(page.body());

                for (String module : new String[] {"demo.js", "aldis.js", "codec.js", "scram.js"}) {
                    Answer js = get(ws.port(), "GET /" + module + " HTTP/1.1");
                    assertThat(js.status()).as(module).isEqualTo(200);
                    assertThat(js.headers()).as(module)
                            .containsEntry("content-type", "text/javascript; charset=utf-8")
                            .containsEntry("x-content-type-options", "nosniff");
                    assertThat(js.body()).as(module).containsAnyOf("export ", "import ");
                }
                assertThat(get(ws.port(), "GET /demo.js HTTP/1.1").body()).contains("from './aldis.js'");
                Answer css = get(ws.port(), "GET /demo.css HTTP/1.1");
                assertThat(css.headers()).containsEntry("content-type", "text/css; charset=utf-8");
            } finally {
                ws.stop();
            }
        }
    }

    @Test
    void answersNothingButItsKnownFiles() throws Exception {
        try (Node node = new Node(NodeSettings.defaults())) {
            WsServer ws = new WsServer(WsSettings.plain("demo-http", 0).withDemo(true), node);
            ws.start();
            try {
                for (String request : new String[] {"GET /aldis.d.ts HTTP/1.1", "GET /../pom.xml HTTP/1.1",
                        "GET /%2e%2e/demo/index.html HTTP/1.1", "GET /aldis-demo/index.html HTTP/1.1",
                        "GET //aldis.js HTTP/1.1", "GET /io/aldis/transport/ws/internal/DemoPage.class HTTP/1.1",
                        "POST / HTTP/1.1", "DELETE /aldis.js HTTP/1.1"}) {
                    assertThat(get(ws.port(), request).status()).as(request).isEqualTo(404);
                }
                // The WebSocket path keeps its own answer.
                assertThat(get(ws.port(), "GET /aldis HTTP/1.1").status()).isEqualTo(426);
            } finally {
                ws.stop();
            }
        }
    }

    @Test
    void thePageLearnsTheListenersPathAndTheOptionTurnsItOff() throws Exception {
        try (Node node = new Node(NodeSettings.defaults())) {
            WsServer ws = new WsServer(WsSettings.plain("demo-http", 0).withPath("/chat").withDemo(true), node);
            ws.start();
            try {
                assertThat(get(ws.port(), "GET / HTTP/1.1").body())
                        .contains("<meta name=\"aldis-ws-path\" content=\"/chat\">");
                ws.rebind(ws.settings().withDemo(false));
                assertThat(get(ws.port(), "GET / HTTP/1.1").status()).isEqualTo(404);
                assertThat(get(ws.port(), "GET /aldis.js HTTP/1.1").status()).isEqualTo(404);
                ws.rebind(ws.settings().withDemo(true));
                assertThat(get(ws.port(), "GET /aldis.js HTTP/1.1").status()).isEqualTo(200);
            } finally {
                ws.stop();
            }
        }
    }

    /** Sends one request line with a Host header and reads the whole answer; the listener closes after it. */
    private static Answer get(int port, String requestLine) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String body = requestLine.startsWith("POST") ? "x" : "";
            out.write((requestLine + "\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            assertThat(split).as("an HTTP answer to %s: %s", requestLine, raw).isPositive();
            String[] head = raw.substring(0, split).split("\r\n");
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            String content = raw.substring(split + 4);
            assertThat(content.getBytes(StandardCharsets.UTF_8)).as("body of %s", requestLine)
                    .hasSize(Integer.parseInt(headers.getOrDefault("content-length", "-1")));
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, content);
        }
    }
}
