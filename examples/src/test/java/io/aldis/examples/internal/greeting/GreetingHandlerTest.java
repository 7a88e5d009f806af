package io.aldis.examples.internal.greeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.pubsub.api.MessageContext;
import io.aldis.feature.pubsub.api.MessageException;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class GreetingHandlerTest {
    private final GreetingHandler handler = new GreetingHandler();
    private final MessageContext alice = new MessageContext(GreetingHandler.TYPE, 7, UUID.randomUUID(), "alice",
            Set.of("user"));

    @Test
    void greetsTheNameOnBehalfOfTheSender() throws Exception {
        byte[] reply = handler.handle(alice, "  Ann ".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get();
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("Hello, Ann! (from alice)");
    }

    @Test
    void aMissingOrOverlongNameIsRefusedWithInvalidParams() {
        for (String name : new String[] {" ", "x".repeat(GreetingHandler.MAX_NAME + 1)}) {
            byte[] payload = name.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> handler.handle(alice, payload).toCompletableFuture().get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(MessageException.class)
                    .satisfies(e -> assertThat(((MessageException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMS))
                    .hasMessageContaining("1 to " + GreetingHandler.MAX_NAME + " characters");
        }
    }
}
