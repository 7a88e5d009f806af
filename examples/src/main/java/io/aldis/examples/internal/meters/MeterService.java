package io.aldis.examples.internal.meters;

import io.aldis.examples.api.Meters;
import io.aldis.examples.api.Reading;
import io.aldis.examples.api.Totals;
import io.aldis.feature.rpc.api.RpcService;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link Meters} service, callable remotely as {@code examples.meters.readings} (the node
 * streams the readings to the caller) and {@code examples.meters.total} (the caller streams
 * readings to the node).
 *
 * <p><b>Only the JDK's {@link Flow}.</b> The methods return and take
 * {@link java.util.concurrent.Flow.Publisher}, so the bundle needs no reactive library, and neither
 * does the node. A service written with one adapts at its edges:
 * <ul>
 * <li>Reactor: return {@code JdkFlowAdapter.publisherToFlowPublisher(flux)}, and take the caller's
 * items as {@code JdkFlowAdapter.flowPublisherToFlux(readings)} ({@code reactor.adapter}, in
 * reactor-core);</li>
 * <li>RxJava 3: return {@code FlowAdapters.toFlowPublisher(flowable)}, and take
 * {@code Flowable.fromPublisher(FlowAdapters.toPublisher(readings))}
 * ({@code org.reactivestreams.FlowAdapters}, in reactive-streams);</li>
 * <li>Mutiny 2: a {@code Multi} is a {@code Flow.Publisher} already, so return it as it is, and take
 * {@code Multi.createFrom().publisher(readings)}; Mutiny 1, built on Reactive Streams, returns
 * {@code AdaptersToFlow.publisher(multi)} (mutiny-zero-flow-adapters).</li>
 * </ul>
 * The adapters keep the backpressure: what the caller's credit allows becomes
 * {@code request(n)} on the library's side, and the reverse.
 *
 * <p><b>Streams or batches.</b> The same code serves a caller that takes streams (items flow under
 * credit, docs/protocol.md 6.4) and one that does not (the node subscribes and collects the
 * readings into one JSON array, or hands {@code total} a publisher of the array the caller gave).
 */
@Component
@RpcService(Meters.SERVICE)
public final class MeterService implements Meters {

    @Override
    public Flow.Publisher<Reading> readings(String meter, int count) {
        return new SimulatedMeter(meter, count);
    }

    @Override
    public CompletionStage<Totals> total(Flow.Publisher<Reading> readings) {
        ReadingTotals totals = new ReadingTotals();
        readings.subscribe(totals);
        return totals.result();
    }
}
