package io.aldis.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import org.junit.jupiter.api.Test;

class RpcCallExceptionTest {
    @Test
    void fieldErrorsAreReadFromTheDetails() {
        RpcCallException e = new RpcCallException(ErrorCode.INVALID_PARAMS.code(), "invalid",
                "{\"errors\":[{\"path\":\"order.items[0].sku\",\"reason\":\"must match \\\"[A-Z]+\\\"\"},"
                        + "{\"path\":\"count\",\"reason\":\"field required\"}]}");
        assertThat(e.fieldErrors()).containsExactly(
                new RpcCallException.FieldError("order.items[0].sku", "must match \"[A-Z]+\""),
                new RpcCallException.FieldError("count", "field required"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(e.reason()).isEqualTo("invalid");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void otherDetailsHaveNoFieldErrors() {
        assertThat(new RpcCallException(-405, "boom", "{\"exception\":\"IllegalStateException\"}").fieldErrors()).isEmpty();
        assertThat(new RpcCallException(-405, "boom", null).details()).isEmpty();
    }

    @Test
    void interruptedAndOverloadedCallsAreRetryable() {
        assertThat(new RpcCallException(ErrorCode.CONNECTION_INTERRUPTED, "x").retryable()).isTrue();
        assertThat(new RpcCallException(ErrorCode.BUSY, "x").retryable()).isTrue();
        assertThat(new RpcCallException(ErrorCode.PROVIDER_GONE, "x").retryable()).isTrue();
        assertThat(new RpcCallException(ErrorCode.METHOD_NOT_FOUND, "x").retryable()).isFalse();
        assertThat(new RpcCallException(ErrorCode.DEADLINE_EXCEEDED, "x").retryable()).isFalse();
        assertThat(new RpcCallException(-9999, "unknown", "").retryable()).isFalse();
    }
}
