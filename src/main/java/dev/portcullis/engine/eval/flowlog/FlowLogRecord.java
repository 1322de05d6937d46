package dev.portcullis.engine.eval.flowlog;

import dev.portcullis.engine.Direction;

/**
 * One flow log record, as far as attribution reads it. Addresses are IPv4 ({@code src4}, {@code
 * dst4}) unless {@code ipv6}, when they are {@code [high, low]} halves.
 *
 * @param direction the record's {@code flow-direction} when its format has one, else null (the
 *     attributor infers it from the interface's address)
 * @param packets 0 when the format has no {@code packets}
 * @param bytes 0 when the format has no {@code bytes}
 * @param srcPort -1 when the format has no {@code srcport}
 */
public record FlowLogRecord(
    String interfaceId,
    boolean ipv6,
    int src4,
    int dst4,
    long srcHigh,
    long srcLow,
    long dstHigh,
    long dstLow,
    int srcPort,
    int dstPort,
    int protocol,
    long packets,
    long bytes,
    boolean accepted,
    Direction direction) {}
