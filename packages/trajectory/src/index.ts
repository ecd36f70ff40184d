// Public surface of @worldloop/trajectory: the SQLite trajectory store.
export { SqliteTrajectoryStore, type SqliteTrajectoryStoreOptions } from './sqlite-trajectory-store.js';
export { resumeRun, type RunResume } from './resume-run.js';
export { WriterProcess } from './writer-process.js';
export type { EpisodeStatistics, EpisodeStatisticsFilter } from './episode-statistics.js';
// Dataset exports (streaming; see export-dataset.ts).
export { exportDataset, cardPath, validationPath, type ExportOptions, type ExportResult, type ExportedFile } from './export-dataset.js';
export { datasetFormat, datasetFormats } from './dataset-formats.js';
export type { DatasetFormat, DatasetRow, CompanionFile } from './dataset-format.js';
export { describeFilter, episodeSelection, type ExportFilter, type EpisodeSelection } from './export-filter.js';
export { datasetSplit, type DatasetSplit, type TaskIdentity } from './dataset-split.js';
export { TrajectoryReader, type ExportEpisode, type StepSummary, type EpisodeFamily } from './trajectory-reader.js';
export { episodeConversation, type EpisodeConversation, type ConversationMessage, type ConversationToolCall } from './episode-conversation.js';
export { exportOpenAiChat, openAiChatExample, openAiChatFormat, type OpenAiChatExample, type OpenAiChatMessage } from './export-openai-chat.js';
export { exportShareGpt, shareGptExample, shareGptFormat, shareGptDatasetInfo, type ShareGptExample, type ShareGptTurn } from './export-sharegpt.js';
export { exportAgentGym, agentGymExample, agentGymFormat, type AgentGymExample, type AgentGymTurn } from './export-agentgym.js';
export { exportTrlMessages, trlMessagesExample, trlMessagesFormat, type TrlMessagesExample, type TrlMessage } from './export-trl-messages.js';
export { exportTrlPreference, trlPreferenceExample, trlPreferenceFormat, type TrlPreferenceExample } from './export-trl-preference.js';
export { exportTransitions, exportTransitionsParquet, transitionColumns, transitionsFormat, transitionsParquetFormat } from './export-transitions.js';
export { exportWorldModel, exportWorldModelParquet, worldModelColumns, worldModelFormat, worldModelParquetFormat } from './export-world-model.js';
export type { ParquetColumn } from './parquet-table-writer.js';
