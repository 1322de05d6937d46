package dev.portcullis.engine.eval;

/**
 * A verdict with its explanation: the reason code, the sentence a user reads, and the rules that
 * allowed each leg (null when that leg was not needed or was denied).
 *
 * @param egress the source's egress rule that let the flow out (null for a source that is not an
 *     instance, and for a denied egress)
 * @param ingress the destination's ingress rule that let the flow in (null when denied)
 */
public record Decision(
    Verdict verdict, Reason reason, String explanation, Match egress, Match ingress) {}
