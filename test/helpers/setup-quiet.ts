// Every test process (unit, contract, integration): keep Powertools quiet so test output shows only results.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// Node 20 is the project's local runtime (Lambda runs 22); the SDK's notice about its own future floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
