/**
 * The steps a reconciler takes against the cloud port, shared by the operator and the offline
 * command: find or create a group idempotently by its ownership tags, and bring its rules to the
 * desired set through a plan.
 */
package dev.portcullis.sync;
