import { BarController, BarElement, Legend, LinearScale, TimeScale, Tooltip } from 'chart.js';
import { Chart } from 'chart.js';
import 'chartjs-adapter-date-fns';

/** Registers only the Chart.js parts the console uses (tree-shaken build), plus the date-fns time adapter. */
Chart.register(BarController, BarElement, LinearScale, TimeScale, Tooltip, Legend);
