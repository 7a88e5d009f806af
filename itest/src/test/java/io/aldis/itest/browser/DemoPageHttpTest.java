package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.transport.ws.internal.WsServer;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * What a WebSocket listener answers to plain HTTP when its demo option is on: the page and the
 * client modules at fixed paths with their content types, 404 for everything else, and nothing
 * at all when the option is off.
 */
class DemoPageHttpTest {

    @Test
    void servesThePageAndTheClientModulesWithTheirTypes() throws Exception {
        try (NodeFixture node = NodeFixture.builder().ws(WsSettings.plain("demo-http", 0).withDemo(true)).start()) {
            WsServer ws = node.wsServer();
            RawWebSocket.HttpAnswer page = get(ws.port(), "GET / HTTP/1.1");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.headers()).containsEntry("content-type", "text/html; charset=utf-8");
            assertThat(page.body()).contains("<meta name=\"aldis-ws-path\" content=\"/aldis\">")
                    .contains("src=\"demo.js\"");
            assertThat(get(ws.port(), "GET /index.html?room=1 HTTP/1.1").body()).isEqualTo(page.body());

            for (String module : new String[] {"demo.js", "file-area.js", "aldis.js", "codec.js", "scram.js", "files.js", "digest.js"}) {
                RawWebSocket.HttpAnswer js = get(ws.port(), "GET /" + module + " HTTP/1.1");
                assertThat(js.status()).as(module).isEqualTo(200);
                assertThat(js.headers()).as(module)
                        .containsEntry("content-type", "text/javascript; charset=utf-8")
                        .containsEntry("x-content-type-options", "nosniff");
                assertThat(js.body()).as(module).containsAnyOf("export ", "import ");
            }
            assertThat(get(ws.port(), "GET /demo.js HTTP/1.1").body()).contains("from './aldis.js'");
            RawWebSocket.HttpAnswer css = get(ws.port(), "GET /demo.css HTTP/1.1");
            assertThat(css.headers()).containsEntry("content-type", "text/css; charset=utf-8");
        }
    }

    @Test
    void answersNothingButItsKnownFiles() throws Exception {
        try (NodeFixture node = NodeFixture.builder().ws(WsSettings.plain("demo-http", 0).withDemo(true)).start()) {
            WsServer ws = node.wsServer();
            for (String request : new String[] {"GET /aldis.d.ts HTTP/1.1", "GET /../pom.xml HTTP/1.1",
                    "GET /%2e%2e/demo/index.html HTTP/1.1", "GET /aldis-demo/index.html HTTP/1.1",
                    "GET //aldis.js HTTP/1.1", "GET /io/aldis/transport/ws/internal/DemoPage.class HTTP/1.1",
                    "POST / HTTP/1.1", "DELETE /aldis.js HTTP/1.1"}) {
                assertThat(get(ws.port(), request).status()).as(request).isEqualTo(404);
            }
            // The WebSocket path keeps its own answer.
            assertThat(get(ws.port(), "GET /aldis HTTP/1.1").status()).isEqualTo(426);
        }
    }

    @Test
    void thePageLearnsTheListenersPathAndTheOptionTurnsItOff() throws Exception {
        try (NodeFixture node = NodeFixture.builder()
                .ws(WsSettings.plain("demo-http", 0).withPath("/chat").withDemo(true)).start()) {
            WsServer ws = node.wsServer();
            assertThat(get(ws.port(), "GET / HTTP/1.1").body())
                    .contains("<meta name=\"aldis-ws-path\" content=\"/chat\">");
            ws.rebind(ws.settings().withDemo(false));
            assertThat(get(ws.port(), "GET / HTTP/1.1").status()).isEqualTo(404);
            assertThat(get(ws.port(), "GET /aldis.js HTTP/1.1").status()).isEqualTo(404);
            ws.rebind(ws.settings().withDemo(true));
            assertThat(get(ws.port(), "GET /aldis.js HTTP/1.1").status()).isEqualTo(200);
        }
    }

    /**
     * Sends one request line with a Host header and reads the whole answer, which must state its
     * length and be followed by the end of the connection: the listener closes after it.
     */
    private static RawWebSocket.HttpAnswer get(int port, String requestLine) throws IOException {
        try (RawWebSocket http = new RawWebSocket(port)) {
            String body = requestLine.startsWith("POST") ? "x" : "";
            RawWebSocket.HttpAnswer answer = http.requestWithBody(body, requestLine, "Host: 127.0.0.1:" + port,
                    "Content-Length: " + body.length());
            assertThat(answer.header("Content-Length")).as("the length of the answer to %s", requestLine).isNotNull();
            assertThat(http.endsWithNothingMore()).as("nothing after the answer to %s", requestLine).isTrue();
            return answer;
        }
    }
}
