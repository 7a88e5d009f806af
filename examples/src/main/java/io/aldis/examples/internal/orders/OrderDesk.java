package io.aldis.examples.internal.orders;

import io.aldis.examples.api.Order;
import io.aldis.examples.api.Orders;
import io.aldis.examples.api.Receipt;
import io.aldis.examples.internal.catalogue.Catalogue;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.api.RpcService;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.InvalidParamsException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link Orders} service, callable remotely as {@code examples.orders.place}.
 *
 * <p><b>How it is exported.</b> The component registers {@link Orders} with the service property
 * {@code aldis.rpc.service=examples.orders} (set by {@link RpcService}); the RPC feature exports
 * every method of the interfaces the service is registered under, and withdraws them when the
 * service goes (callers then get {@code METHOD_NOT_FOUND}, and calls in flight
 * {@code PROVIDER_GONE}).
 *
 * <p><b>Validation.</b> The node decodes the JSON parameters strictly into {@link Order} and
 * checks the constraint annotations on it before this method runs, so it only sees valid orders.
 * A rule the annotations cannot express, here that the article exists, is checked here and
 * reported in the same shape: {@link RpcException} with {@code INVALID_PARAMS} and the field
 * errors as details. Any other exception would reach the caller as {@code SERVICE_ERROR}.
 *
 * <p><b>Threads.</b> Several calls run at once, on the threads of the callers' connections while
 * they are quick (as these are) and on the RPC feature's worker pool otherwise: keep the component
 * thread-safe. A service whose methods block says so with the property
 * {@code aldis.rpc.direct=false}, and they always run on the workers.
 */
@Component
@RpcService(Orders.SERVICE)
public final class OrderDesk implements Orders {
    private final AtomicLong lastOrderNumber = new AtomicLong();

    @Override
    public Receipt place(Order order) {
        if (Catalogue.name(order.sku()).isEmpty()) {
            InvalidParamsException unknown = new InvalidParamsException(
                    List.of(new FieldError("order.sku", "no article " + order.sku() + " in the catalogue")));
            throw new RpcException(ErrorCode.INVALID_PARAMS.code(), unknown.getMessage(), unknown.details());
        }
        return new Receipt(lastOrderNumber.incrementAndGet(), order.sku(), order.quantity(), order.customer());
    }
}
