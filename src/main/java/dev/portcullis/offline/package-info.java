/**
 * The offline command: a world file and a folder of manifests applied to the built-in simulator
 * through the same engine and sync steps the operator uses, with the outcome printed and
 * reachability questions answered. No cluster and no AWS account needed.
 */
package dev.portcullis.offline;
