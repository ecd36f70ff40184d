// Public surface of @worldloop/model-langchain: LangChain chat models as worldloop models, worldloop
// models as LangChain chat models, worldloop tools as LangChain tools.
export * from './langchain-model.js';
export * from './worldloop-chat-model.js';
export * from './to-langchain-tools.js';
export * from './to-langchain-messages.js';
export * from './from-langchain-messages.js';
