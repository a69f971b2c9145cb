/**
 * Registers every orchestrator, activity and entity, including those no HTTP function starts
 * (they can be started through the Durable management API). The host loads every file here.
 */
import '../orchestrators/processOrder';
import '../orchestrators/processBatch';
import '../orchestrators/processBatchChunk';
import '../orchestrators/approvalWorkflow';
import '../orchestrators/resilientOrchestrator';
import '../entities/customerStats';
