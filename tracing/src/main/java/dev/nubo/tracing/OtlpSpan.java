package dev.nubo.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A kept {@link Span} in the OpenTelemetry SDK's form, for its OTLP exporter. Spans are made as plain
 * records and converted only here, at export, because the SDK's own span builder picks span ids itself,
 * while the gateway's client span must keep the id it already sent to the instance in its traceparent.
 */
record OtlpSpan(Span span, Resource resource) implements SpanData {

    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.nubo");

    @Override
    public String getName() {
        return span.name();
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.valueOf(span.kind().name());
    }

    @Override
    public SpanContext getSpanContext() {
        return SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    }

    @Override
    public SpanContext getParentSpanContext() {
        return span.parentId().map(p -> SpanContext.create(span.traceId(), p, TraceFlags.getSampled(), TraceState.getDefault()))
                .orElse(SpanContext.getInvalid());
    }

    @Override
    public StatusData getStatus() {
        return span.error() ? StatusData.error() : StatusData.unset();
    }

    @Override
    public long getStartEpochNanos() {
        return span.startEpochNanos();
    }

    @Override
    public Attributes getAttributes() {
        AttributesBuilder out = Attributes.builder();
        span.attributes().forEach((k, v) -> out.put(AttributeKey.stringKey(k), v));
        if (!span.service().isEmpty()) {
            out.put(AttributeKey.stringKey("nubo.service"), span.service());
        }
        return out.build();
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public long getEndEpochNanos() {
        return span.endEpochNanos();
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return span.attributes().size() + (span.service().isEmpty() ? 0 : 1);
    }

    @Override
    @SuppressWarnings("deprecation")
    public io.opentelemetry.sdk.common.InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return io.opentelemetry.sdk.common.InstrumentationLibraryInfo.create(SCOPE.getName(), null);
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
