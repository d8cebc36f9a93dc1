# Reader comments, reports and moderation arrive with the comments issue.
