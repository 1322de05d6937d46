/**
 * VPC Flow Logs, read and attributed: {@link dev.portcullis.engine.eval.flowlog.FlowLogFormat} (the
 * fields of a record, EC2's default or a custom list), {@link
 * dev.portcullis.engine.eval.flowlog.FlowLogParser} (a line into a {@link
 * dev.portcullis.engine.eval.flowlog.FlowLogRecord}, or the reason it was skipped), {@link
 * dev.portcullis.engine.eval.flowlog.Attributor} (which groups of the interface dropped a rejected
 * packet, or that they did not), {@link dev.portcullis.engine.eval.flowlog.FlowTally} (the counts
 * by label, for the meters) and {@link dev.portcullis.engine.eval.flowlog.Denials} (the rejections
 * by interface, for each group's summary of recent denials). Pure: text in, counts out; reading the
 * logs and the meters are the operator's.
 */
package dev.portcullis.engine.eval.flowlog;
