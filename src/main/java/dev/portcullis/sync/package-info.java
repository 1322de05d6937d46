/**
 * The steps against the cloud port that the operator's reconcilers and the offline command both
 * take, each written once: check a SecurityGroup's spec and turn it into canonical rules ({@link
 * dev.portcullis.sync.DesiredGroup}), refuse a reference to a group of another region or VPC
 * ({@link dev.portcullis.sync.ReferenceLocality}), find or create a group idempotently by its
 * ownership tags ({@link dev.portcullis.sync.GroupKeeper}), bring its rules to the desired set
 * through a plan ({@link dev.portcullis.sync.GroupSync}), select an attachment's instances and put
 * its groups on them or take them off ({@link dev.portcullis.sync.AttachmentSync}), and turn a
 * reachability question into a flow ({@link dev.portcullis.sync.FlowSpecs}).
 */
package dev.portcullis.sync;
