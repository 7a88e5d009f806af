package io.aldis.feature.filetransfer.internal;

import io.aldis.feature.filetransfer.api.TransferPolicy;
import io.aldis.feature.filetransfer.api.TransferRequest;
import io.aldis.feature.filetransfer.api.Verdict;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The {@link TransferPolicy} services registered now; the first refusal wins. */
public final class Policies {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");

    private final List<TransferPolicy> policies = new CopyOnWriteArrayList<>();

    public void add(TransferPolicy policy) {
        policies.add(policy);
    }

    public void remove(TransferPolicy policy) {
        policies.remove(policy);
    }

    public Verdict upload(TransferRequest request) {
        return ask(request, true);
    }

    public Verdict download(TransferRequest request) {
        return ask(request, false);
    }

    private Verdict ask(TransferRequest request, boolean upload) {
        for (TransferPolicy policy : policies) {
            Verdict verdict;
            try {
                verdict = upload ? policy.upload(request) : policy.download(request);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A transfer policy failed; the transfer is refused", e);
                return Verdict.refuse("the node's transfer policy failed");
            }
            if (verdict != null && !verdict.allowed()) {
                return verdict;
            }
        }
        return Verdict.allow();
    }
}
